"""Synthetic client projects for the benchmark and the robustness tests (German, valid)."""

from __future__ import annotations

import random

import yaml

FIRST = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Eva",
    "Felix",
    "Greta",
    "Hannes",
    "Ida",
    "Jonas",
    "Karla",
    "Lukas",
    "Mia",
    "Noah",
    "Olga",
    "Paul",
    "Rita",
    "Sven",
    "Tina",
    "Uwe",
]
LAST = ["Becker", "Schmidt", "Müller", "Wagner", "Krüger", "Hoffmann", "Fischer", "Weber", "Neumann", "Groß"]
DEPARTMENTS = ["Vertrieb", "Service", "Marketing", "Innendienst", "Ersatzteile"]


def project(index: int, people: int = 12, tasks: int = 8, lines: int = 5, meetings: int = 3) -> dict:
    """A valid project: 1 lead, key users, team members and the contractor roles."""
    rnd = random.Random(index)
    roles = [
        "project_lead",
        "key_user",
        "key_user",
        "team_member",
        "team_member",
        "account_manager",
        "account_manager_deputy",
        "resource_coordinator",
        "support",
        "backoffice",
    ]
    roles += ["team_member"] * max(0, people - len(roles))
    persons = []
    for i, role in enumerate(roles[:people]):
        side = "client" if role in ("project_lead", "key_user", "team_member") else "contractor"
        persons.append(
            {
                "id": f"p{i}",
                "name": f"{rnd.choice(FIRST)} {rnd.choice(LAST)} {index}-{i}",
                "side": side,
                "roles": [role],
                "department": rnd.choice(DEPARTMENTS) if side == "client" else "Beratung",
                "email": f"p{i}@client{index}.example",
                "phone": f"030{index:04d}{i:03d}",
            }
        )
    data = {
        "client": f"Kunde {index} GmbH",
        "title": f"CRM-Einführung {index}",
        "language": "de",
        "summary": f"Synthetisches Projekt {index} für den Benchmark.",
        "people": persons,
        "workgroups": [{"id": "ak1", "name": "Arbeitskreis Vertrieb", "lead": "p1", "members": ["p3", "p4"]}],
        "raci": [
            {
                "id": f"t{t}",
                "task": f"Aufgabe {t}",
                "responsible": ["key_user"],
                "accountable": "project_lead",
                "consulted": ["account_manager"],
                "informed": ["project_team"],
                "phase": f"Phase {t % 3}",
            }
            for t in range(tasks)
        ],
        "communication": [
            {
                "topic": f"Thema {c}",
                "from": "project_lead" if c == 0 else "p5",
                "to": ["key_user", "p0"],
                "when": "wöchentlich",
                "channel": "Teams",
            }
            for c in range(lines)
        ],
        "meetings": [
            {
                "name": "Kickoff" if m == 0 else f"Termin {m}",
                "type": "kickoff" if m == 0 else "regular",
                "date": f"2027-0{1 + m % 9}-1{m % 10} 09:30",
                "participants": ["project_team"],
            }
            for m in range(meetings)
        ],
        "escalation": [
            {"level": 1, "contact": "p5", "when": "sofort"},
            {"level": 2, "contact": "p0", "when": "nach 2 Tagen"},
        ],
    }
    return data


def project_yaml(index: int, **sizes: int) -> str:
    head = "# yaml-language-server: $schema=../project.schema.json\n"
    return head + yaml.safe_dump(project(index, **sizes), allow_unicode=True, sort_keys=False)
