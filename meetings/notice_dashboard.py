"""The newsroom's part of /dashboard/ (publishing feature): same section format as meetings.dashboard."""


def dashboard_sections(user) -> list[dict]:
    return []
