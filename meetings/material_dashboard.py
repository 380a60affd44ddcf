"""The member's part of /dashboard/ (materials feature): same section format as meetings.dashboard."""


def dashboard_sections(user) -> list[dict]:
    return []
