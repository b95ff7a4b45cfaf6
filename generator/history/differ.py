"""What changed between two valid versions of a project, in words (pure; used by changes.py).

The comparison runs on the resolved public model, so ``internal:`` notes can never show up.
"""

from __future__ import annotations

from datetime import date, datetime

from generator import i18n
from generator.project.model import Meeting
from generator.project.resolve import Resolved

# Every top-level key of the format, and the section of the diff that tells its changes (in
# this order), or why a change of it is never told: tests/test_drift.py keeps this complete.
SECTIONS: dict[str, str] = {
    "client": "project",
    "title": "project",
    "contractor": "project",
    "language": "project",
    "status": "project",
    "timezone": "project",
    "period": "project",
    "summary": "project",
    "people": "people",
    "roles": "roles",
    "workgroups": "workgroups",
    "raci": "raci",
    "communication": "communication",
    "meetings": "meetings",
    "milestones": "milestones",
    "escalation": "escalation",
    "agreement": "agreement",
}
UNTOLD: dict[str, str] = {
    "internal": "never public",
    "feedback": "never public",
    "accept": "the consultant's review of warnings, not the project",
    "version": "the file's format, not the project",
    "site": "a publishing option, not the project",
}
# person keys the diff compares (id is the key; roles are told per role; kind names the entry)
PERSON_KEYS = ("name", "side", "department", "position", "email", "phone", "hours", "deputy", "represents", "absences")


# What the role distribution agreed at the kickoff is made of (format 1.1 ``agreement:``):
# who is in the project with which role, the RACI and the communication matrix. A new phone
# number or an absence changes no agreement.
AGREED = ("people", "roles", "workgroups", "raci", "communication")


def semantic_diff(old: Resolved, new: Resolved, lang: str) -> list[str]:
    """What changed between two valid versions, in words, in a fixed order."""
    differ = _Differ(old, new, lang)
    for section in dict.fromkeys(SECTIONS.values()):
        getattr(differ, section)()
    return differ.out


def distribution_diff(old: Resolved, new: Resolved, lang: str) -> list[str]:
    """What changed in the role distribution (``AGREED``), in words; contact details and
    absences left out."""
    differ = _Differ(old, new, lang, contacts=False)
    for section in AGREED:
        getattr(differ, section)()
    return differ.out


def _union(old: dict, new: dict) -> list:
    """Keys of ``new`` in order, then the keys only ``old`` has."""
    return [*new, *(k for k in old if k not in new)]


def _keyed(items: list, key) -> dict:
    """Items by key; a repeated key gets a counter so no item is lost."""
    out: dict = {}
    for item in items:
        k, n = key(item), 0
        while (k, n) in out:
            n += 1
        out[(k, n)] = item
    return out


class _Differ:
    def __init__(self, old: Resolved, new: Resolved, lang: str, contacts: bool = True) -> None:
        self.old, self.new, self.lang = old, new, lang
        self.contacts = contacts  # tell changes of e-mail, phone, hours and absences
        self.L = i18n.LABELS[lang]
        self.out: list[str] = []

    # words -----------------------------------------------------------------------------
    def say(self, key: str, **values: object) -> None:
        self.out.append(self.L[key].format(**values))

    def q(self, value: str) -> str:
        return self.L["ch_quote"].format(x=value)

    def name(self, r: Resolved, ref: str | None) -> str:
        return r.display_name(ref, self.lang) if ref else ""

    def names(self, r: Resolved, refs: list[str]) -> str:
        return ", ".join(self.name(r, ref) for ref in refs)

    def when(self, d: date | datetime | None) -> str:
        return i18n.when(self.lang, d) if d else ""

    # the sentence patterns -----------------------------------------------------------------
    def field(self, subject: str, what: str, old: object, new: object) -> None:
        """One value: set, cleared or changed."""
        old, new = str(old or ""), str(new or "")
        if old == new:
            return
        if subject:
            if not old:
                self.say("ch_set_added", subject=subject, what=what, names=new)
            elif not new:
                self.say("ch_set_removed", subject=subject, what=what, names=old)
            else:
                self.say("ch_field", subject=subject, what=what, old=old, new=new)
        elif not old:
            self.say("ch_added", what=what, names=new)
        elif not new:
            self.say("ch_removed", what=what, names=old)
        else:
            self.say("ch_field_top", what=what, old=old, new=new)

    def refs(self, subject: str, what: str, old: list[str], new: list[str]) -> None:
        """A list of references: who joined, who left."""
        added = [ref for ref in new if ref not in old]
        removed = [ref for ref in old if ref not in new]
        if added:
            self.say("ch_set_added", subject=subject, what=what, names=self.names(self.new, added))
        if removed:
            self.say("ch_set_removed", subject=subject, what=what, names=self.names(self.old, removed))

    def ref(self, subject: str, what: str, old: str | None, new: str | None) -> None:
        if old != new:
            self.field(subject, what, self.name(self.old, old), self.name(self.new, new))

    def items(self, old: dict, new: dict, added, removed, changed) -> None:
        for key in _union(old, new):
            if key not in old:
                added(new[key])
            elif key not in new:
                removed(old[key])
            else:
                changed(old[key], new[key])

    # sections ----------------------------------------------------------------------------------
    def project(self) -> None:
        o, n, L = self.old.project, self.new.project, self.L
        self.field("", L["client"], o.client, n.client)
        self.field("", L["ch_title_field"], o.title, n.title)
        self.field("", L["contractor"], self.old.contractor, self.new.contractor)
        self.field("", L["ch_language"], L[f"lang_{o.language}"], L[f"lang_{n.language}"])
        self.field("", L["status"], L[f"status_{o.status}"], L[f"status_{n.status}"])
        self.field("", L["ch_timezone"], o.timezone, n.timezone)
        self.field("", L["period"], self.period(o.period), self.period(n.period))
        if (o.summary or "") != (n.summary or ""):
            self.say("ch_summary")

    def agreement(self) -> None:
        o, n, L = self.old.project.agreement, self.new.project.agreement, self.L
        what = L["ch_agreement"]
        if n is None and o is not None:
            self.say("ch_removed", what=what, names=self.when(o.date))
        elif n is not None and o is None:
            self.say("ch_added", what=what, names=self.agreed(self.new, n))
        elif n is not None and o is not None:
            self.field(what, L["date"], self.when(o.date), self.when(n.date))
            self.ref(what, L["client"], o.client, n.client)
            self.ref(what, L["contractor"], o.contractor, n.contractor)

    def agreed(self, r: Resolved, a) -> str:
        return f"{self.when(a.date)} ({self.name(r, a.client)}, {self.name(r, a.contractor)})"

    def period(self, p) -> str:
        return i18n.period(self.lang, p.start, p.end) if p else ""

    def people(self) -> None:
        def what(p) -> str:
            return self.L["team"] if p.kind == "team" else self.L["person"]

        def changed(o, n) -> None:
            if o.name != n.name:
                self.say("ch_renamed", what=what(n), old=o.name, new=n.name)
            for key in ("side", "department", "position", *(("email", "phone", "hours") if self.contacts else ())):
                old, new = getattr(o, key), getattr(n, key)
                if key == "side":
                    old, new = self.L[old], self.L[new]
                self.field(n.name, self.L[key], old, new)
            self.ref(n.name, self.L["deputy"], o.deputy, n.deputy)
            self.field(n.name, self.L["represents"], ", ".join(o.represents or []), ", ".join(n.represents or []))
            if not self.contacts:
                return
            was, now = self.absences(o), self.absences(n)  # the dates only: a reason is never told
            added, removed = [a for a in now if a not in was], [a for a in was if a not in now]
            if added:
                self.say("ch_set_added", subject=n.name, what=self.L["ch_absence"], names=", ".join(added))
            if removed:
                self.say("ch_set_removed", subject=n.name, what=self.L["ch_absence"], names=", ".join(removed))

        self.items(
            self.old.people,
            self.new.people,
            lambda p: self.say("ch_added", what=what(p), names=p.name),
            lambda p: self.say("ch_removed", what=what(p), names=p.name),
            changed,
        )

    def absences(self, person) -> list[str]:
        return [i18n.period(self.lang, a.from_, a.to) for a in person.absences]

    def roles(self) -> None:
        old, new, L = self.old.roles, self.new.roles, self.L
        for rid in _union(old, new):
            role = new.get(rid) or old[rid]
            label = role.name.get(self.lang)
            if rid not in old:
                self.say("ch_added", what=L["role"], names=label)
            elif rid not in new:
                self.say("ch_removed", what=L["role"], names=label)
            elif old[rid].name.get(self.lang) != label:
                self.say("ch_renamed", what=L["role"], old=old[rid].name.get(self.lang), new=label)
            self.holders(rid, label)

    def holders(self, rid: str, label: str) -> None:
        """Holders per role; key users per department they speak for."""
        old, new = _holder_groups(self.old, rid), _holder_groups(self.new, rid)
        for department in _union(old, new):
            was, now = old.get(department, []), new.get(department, [])
            if sorted(was) == sorted(now):
                continue
            role = f"{label} {department}".strip()
            gone = [pid for pid in was if pid not in now]
            came = [pid for pid in now if pid not in was]
            if not gone:
                self.say("ch_holders_added", role=role, names=self.names(self.new, came))
            elif not came:
                self.say("ch_holders_removed", role=role, names=self.names(self.old, gone))
            else:
                self.say("ch_holders", role=role, old=self.names(self.old, was), new=self.names(self.new, now))

    def workgroups(self) -> None:
        what = self.L["ch_workgroup"]

        def changed(o, n) -> None:
            if o.name != n.name:
                self.say("ch_renamed", what=what, old=o.name, new=n.name)
            subject = f"{what} {n.name}"
            self.ref(subject, self.L["lead"], o.lead, n.lead)
            self.refs(subject, self.L["members"], o.members, n.members)
            self.field(subject, self.L["topic"], o.topic, n.topic)

        self.items(
            self.old.workgroups,
            self.new.workgroups,
            lambda w: self.say("ch_added", what=what, names=w.name),
            lambda w: self.say("ch_removed", what=what, names=w.name),
            changed,
        )

    def task_name(self, task) -> str:
        return self.q(task.task.get(self.lang) if task.task else task.id or "")

    def raci(self) -> None:
        def key(task) -> str:
            return task.id or f"#{task.task.de if task.task else ''}"

        def changed(o, n) -> None:
            if self.task_name(o) != self.task_name(n):
                self.say("ch_renamed", what=self.L["ch_task"], old=self.task_name(o), new=self.task_name(n))
            subject = f"RACI {self.task_name(n)}"
            self.refs(subject, "R", o.responsible, n.responsible)
            self.ref(subject, "A", o.accountable, n.accountable)
            self.refs(subject, "C", o.consulted, n.consulted)
            self.refs(subject, "I", o.informed, n.informed)
            phase = (o.phase.get(self.lang) if o.phase else None, n.phase.get(self.lang) if n.phase else None)
            self.field(subject, self.L["phase"], *phase)

        self.items(
            _keyed(self.old.tasks, key),
            _keyed(self.new.tasks, key),
            lambda t: self.say("ch_added", what=self.L["ch_task"], names=self.task_name(t)),
            lambda t: self.say("ch_removed", what=self.L["ch_task"], names=self.task_name(t)),
            changed,
        )

    def communication(self) -> None:
        what, L = self.L["ch_comm"], self.L

        def line(r: Resolved, c) -> str:
            return L["ch_line_to"].format(topic=self.q(c.topic), sender=self.name(r, c.from_), to=self.names(r, c.to))

        def changed(o, n) -> None:
            subject = f"{what} " + L["ch_line"].format(topic=self.q(n.topic), sender=self.name(self.new, n.from_))
            self.refs(subject, L["to"], o.to, n.to)
            self.field(subject, L["when"], o.when, n.when)
            self.field(subject, L["channel"], o.channel, n.channel)

        def key(c) -> tuple[str, str]:
            return (c.topic, c.from_)

        self.items(
            _keyed(self.old.project.communication, key),
            _keyed(self.new.project.communication, key),
            lambda c: self.say("ch_added", what=what, names=line(self.new, c)),
            lambda c: self.say("ch_removed", what=what, names=line(self.old, c)),
            changed,
        )

    def meetings(self) -> None:
        what, L = self.L["ch_meeting"], self.L

        def label(m: Meeting) -> str:
            return f"{self.q(m.name)} ({self.when(m.date)})" if m.date else self.q(m.name)

        def changed(o: Meeting, n: Meeting) -> None:
            if o.name != n.name:
                self.say("ch_renamed", what=what, old=self.q(o.name), new=self.q(n.name))
            subject = f"{what} {self.q(n.name)}"
            if o.date and n.date and o.date != n.date:
                self.say("ch_moved", subject=subject, old=self.when(o.date), new=self.when(n.date))
            else:
                self.field(subject, L["date"], self.when(o.date), self.when(n.date))
            self.field(subject, L["type"], L[f"type_{o.type}"], L[f"type_{n.type}"])
            self.field(subject, L["recurrence"], self.recurrence(o), self.recurrence(n))
            self.field(subject, L["duration"], *(f"{m.duration} {L['minutes']}" if m.duration else "" for m in (o, n)))
            self.ref(subject, L["organiser"], o.organiser, n.organiser)
            self.refs(subject, L["participants"], o.participants, n.participants)
            self.field(subject, L["location"], o.location, n.location)

        def key(m: Meeting) -> str:
            return m.id or f"#{m.name}"

        self.items(
            _keyed(self.old.project.meetings, key),
            _keyed(self.new.project.meetings, key),
            lambda m: self.say("ch_added", what=what, names=label(m)),
            lambda m: self.say("ch_removed", what=what, names=label(m)),
            changed,
        )

    def recurrence(self, m: Meeting) -> str:
        return i18n.recurrence(self.lang, m.recurrence, m.until) if m.recurrence else ""

    def milestones(self) -> None:
        what, L = self.L["milestone"], self.L

        def label(m) -> str:
            return f"{self.q(m.name)} ({self.when(m.date)})"

        def changed(o, n) -> None:
            subject = f"{what} {self.q(n.name)}"
            self.field(subject, L["date"], self.when(o.date), self.when(n.date))
            self.ref(subject, L["owner"], o.owner, n.owner)
            if o.done != n.done:
                self.say("ch_done" if n.done else "ch_reopened", subject=subject)

        self.items(
            _keyed(self.old.project.milestones, lambda m: m.name),
            _keyed(self.new.project.milestones, lambda m: m.name),
            lambda m: self.say("ch_added", what=what, names=label(m)),
            lambda m: self.say("ch_removed", what=what, names=label(m)),
            changed,
        )

    def escalation(self) -> None:
        L = self.L

        def level(e) -> str:
            return L["ch_level"].format(level=e.level)

        def changed(o, n) -> None:
            self.ref(level(n), L["contact"], o.contact, n.contact)
            self.field(level(n), L["when"], o.when, n.when)
            self.field(level(n), L["channel"], o.channel, n.channel)

        self.items(
            _keyed(self.old.project.escalation, lambda e: e.level),
            _keyed(self.new.project.escalation, lambda e: e.level),
            lambda e: self.say("ch_added", what=level(e), names=self.name(self.new, e.contact)),
            lambda e: self.say("ch_removed", what=level(e), names=self.name(self.old, e.contact)),
            changed,
        )


def _holder_groups(r: Resolved, role_id: str) -> dict[str, list[str]]:
    """Holder ids of a role by department; only key users are told apart by department."""
    groups: dict[str, list[str]] = {}
    for person in r.holders(role_id):
        departments = person.departments_represented if role_id == "key_user" else []
        for department in departments or [""]:
            groups.setdefault(department, []).append(person.id)
    return groups


# git ---------------------------------------------------------------------------------------------
