"""The higher organisation in the demo: the municipal party committee's secretary (account
"committee") above both demo party groups, its supervision group appointed to the seed meeting and
to the next one (leader 刘明, account "supervisor"), and their sign-offs of materials."""

from materials.models import InspectionMaterial, MaterialSignOff
from meetings.models import Meeting, SupervisionAppointment
from members.models import Membership

GROUP_NAME = "市委第三督导组"


def load_oversight_demo(loader, *, committee, meeting, supervisor_name, supervisor_posts) -> None:
    """`loader` is load_demo's Loader (its get/user/member keep a rerun from adding anything)."""
    committee_user = loader.user("committee", first_name="杨帆")
    loader.member(
        "杨帆",
        committee,
        role=Membership.Role.SECRETARY,
        posts="市委副书记",
        post_title="市委副书记（分管党建）",
        user=committee_user,
        order=1,
    )
    supervisor_user = loader.user("supervisor", first_name=supervisor_name)
    supervisor = loader.member(supervisor_name, committee, posts=supervisor_posts, user=supervisor_user, order=20)
    upcoming = Meeting.objects.filter(previous_meeting=meeting, organisation=meeting.organisation).first()
    for target in [meeting, upcoming]:
        if target is None:
            continue
        loader.get(
            SupervisionAppointment,
            meeting=target,
            member=supervisor,
            defaults={
                "role": SupervisionAppointment.Role.LEADER,
                "group_name": GROUP_NAME,
                "appointed_by": committee,
            },
        )
    group_material = InspectionMaterial.objects.filter(meeting=meeting, on_behalf_of_group=True).first()
    if group_material is not None:
        loader.get(
            MaterialSignOff,
            material=group_material,
            reviewer=committee_user,
            defaults={
                "reviewer_name": "杨帆",
                "capacity": committee.name,
                "decision": MaterialSignOff.Decision.AGREED,
                "comment": "问题查摆具体，整改措施可检查，同意提交民主生活会。",
            },
        )
    if upcoming is not None:
        submitted = (
            InspectionMaterial.objects.filter(meeting=upcoming, status=InspectionMaterial.Status.SUBMITTED)
            .order_by("pk")
            .first()
        )
        if submitted is not None:
            loader.get(
                MaterialSignOff,
                material=submitted,
                reviewer=supervisor_user,
                defaults={
                    "reviewer_name": supervisor_name,
                    "capacity": GROUP_NAME,
                    "decision": MaterialSignOff.Decision.NEEDS_CHANGES,
                    "comment": "“基层调研有时来去匆匆”在四个方面重复出现，请按方面分别查摆，写明具体事例。",
                },
            )
