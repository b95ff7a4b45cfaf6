"""Every generated label, in German and English, and dates in each language's style."""

from __future__ import annotations

from datetime import date, datetime

LABELS: dict[str, dict[str, str]] = {
    "de": {
        "start": "Start", "organisation": "Organisation", "roles": "Rollen", "people": "Personen",
        "raci": "RACI-Matrix", "communication": "Kommunikation", "meetings": "Termine",
        "methodology": "Methodik", "client": "Auftraggeber", "contractor": "Auftragnehmer",
        "project_team": "Projektteam", "status": "Status", "period": "Zeitraum",
        "status_planned": "geplant", "status_active": "laufend", "status_completed": "abgeschlossen",
        "key_contacts": "Wichtige Kontakte", "name": "Name", "role": "Rolle", "department": "Abteilung",
        "position": "Funktion", "email": "E-Mail", "phone": "Telefon", "hours": "Erreichbarkeit",
        "deputy": "Vertretung", "deputy_for": "Vertritt", "represents": "Vertritt Abteilungen",
        "holders": "Besetzung", "no_holders": "Diese Rolle ist im Projekt nicht besetzt.",
        "responsibilities": "Aufgaben", "description": "Beschreibung", "workgroups": "Arbeitskreise",
        "lead": "Leitung", "members": "Mitglieder", "topic": "Thema", "task": "Aufgabe", "phase": "Phase",
        "no_phase": "Allgemein", "legend": "Legende",
        "r_long": "Responsible – führt die Aufgabe durch", "a_long": "Accountable – trägt die Verantwortung und entscheidet",
        "c_long": "Consulted – wird vorher gefragt", "i_long": "Informed – wird informiert",
        "letter": "Beteiligung", "via": "über", "directly": "direkt",
        "from": "Von", "to": "An", "when": "Wann", "channel": "Wie", "sends": "Sendet", "receives": "Empfängt",
        "escalation": "Eskalationspfad", "level": "Stufe", "contact": "Kontakt",
        "meetings_heading": "Besprechungen", "milestones": "Meilensteine", "date": "Datum", "time": "Uhrzeit",
        "duration": "Dauer", "minutes": "Minuten", "recurrence": "Turnus", "participants": "Teilnehmende",
        "organiser": "Organisation", "agenda": "Agenda", "location": "Ort", "type": "Art", "owner": "Verantwortlich",
        "state": "Stand", "done": "erledigt", "open": "offen", "type_kickoff": "Kickoff",
        "type_regular": "Regeltermin", "type_review": "Projektreview", "type_workshop": "Workshop",
        "type_other": "Sonstiges", "weekly": "wöchentlich", "biweekly": "alle zwei Wochen", "monthly": "monatlich",
        "until": "bis", "team": "Team", "person": "Person", "kind": "Art", "side": "Seite",
        "my_tasks": "Aufgaben in der RACI-Matrix", "my_communication": "Kommunikation",
        "my_meetings": "Termine", "my_milestones": "Meilensteine", "my_escalation": "Eskalation",
        "none": "–", "nothing_here": "Keine Einträge.", "role_raci": "Aufgaben dieser Rolle",
        "all_roles": "Alle Rollen", "all_people": "Alle Personen und Teams", "summary": "Worum es geht",
        "no_communication": "Die Kommunikationsmatrix ist noch leer.",
        "no_meetings": "Noch keine Termine eingetragen.", "no_milestones": "Noch keine Meilensteine eingetragen.",
        "no_escalation": "Kein Eskalationspfad vereinbart.", "clock": "Uhr",
        "toggle_dark": "Dunkles Farbschema", "toggle_light": "Helles Farbschema",
        "site_name": "Projekthandbuch", "client_pages": "Projektseiten",
        "main_contact": "Hauptansprechpartner", "print_page": "Gesamtes Handbuch", "contents": "Inhalt", "field": "Angabe", "direction": "Richtung", "value": "Inhalt",
        # diagrams (generator/diagrams.py); *_one / *_many: singular and plural with {n}
        "dg_represents": "vertritt", "dg_more": "+{n} weitere",
        "dg_members_one": "1 Mitglied", "dg_members_many": "{n} Mitglieder",
        "dg_people_one": "1 Person", "dg_people_many": "{n} Personen",
        "dg_lines_one": "1 Kommunikationsweg", "dg_lines_many": "{n} Kommunikationswege",
        "dg_parties_one": "1 Beteiligten", "dg_parties_many": "{n} Beteiligten",
        "dg_levels_one": "1 Stufe", "dg_levels_many": "{n} Stufen",
        "dg_alt_org": "Organigramm: {client} auf Seiten des Auftraggebers, {contractor} beim Auftragnehmer{main}.",
        "dg_alt_main": "; Hauptansprechpartner sind {a} und {b}",
        "dg_alt_communication": "Kommunikationsdiagramm: {lines} zwischen {parties}.",
        "dg_alt_escalation": "Eskalationspfad in {levels}: {chain}.",
        "dg_alt_person": "Diagramm zu {name}: Rollen, Vertretung und Kommunikation mit {parties}.",
        # downloads (generator/downloads.py)
        "milestone": "Meilenstein", "downloads": "Downloads",
        "dl_meetings": "Termine und Meilensteine für Ihren Kalender (iCalendar)",
        "dl_raci": "RACI-Matrix als Tabelle (CSV)", "dl_communication": "Kommunikationsmatrix als Tabelle (CSV)",
        "dl_contacts": "Wichtige Kontakte für Ihr Adressbuch (vCard)",
    },
    "en": {
        "start": "Home", "organisation": "Organisation", "roles": "Roles", "people": "People",
        "raci": "RACI matrix", "communication": "Communication", "meetings": "Meetings",
        "methodology": "Methodology", "client": "Client", "contractor": "Contractor",
        "project_team": "Project team", "status": "Status", "period": "Period",
        "status_planned": "planned", "status_active": "active", "status_completed": "completed",
        "key_contacts": "Key contacts", "name": "Name", "role": "Role", "department": "Department",
        "position": "Position", "email": "Email", "phone": "Phone", "hours": "Availability",
        "deputy": "Deputy", "deputy_for": "Deputy for", "represents": "Represents departments",
        "holders": "Held by", "no_holders": "Nobody holds this role in the project.",
        "responsibilities": "Responsibilities", "description": "Description", "workgroups": "Working groups",
        "lead": "Lead", "members": "Members", "topic": "Topic", "task": "Task", "phase": "Phase",
        "no_phase": "General", "legend": "Legend",
        "r_long": "Responsible – does the work", "a_long": "Accountable – owns the result and decides",
        "c_long": "Consulted – asked beforehand", "i_long": "Informed – kept informed",
        "letter": "Involvement", "via": "via", "directly": "directly",
        "from": "From", "to": "To", "when": "When", "channel": "How", "sends": "Sends", "receives": "Receives",
        "escalation": "Escalation path", "level": "Level", "contact": "Contact",
        "meetings_heading": "Meetings", "milestones": "Milestones", "date": "Date", "time": "Time",
        "duration": "Duration", "minutes": "minutes", "recurrence": "Recurrence", "participants": "Participants",
        "organiser": "Organiser", "agenda": "Agenda", "location": "Location", "type": "Type", "owner": "Owner",
        "state": "State", "done": "done", "open": "open", "type_kickoff": "Kickoff",
        "type_regular": "Regular meeting", "type_review": "Project review", "type_workshop": "Workshop",
        "type_other": "Other", "weekly": "weekly", "biweekly": "every two weeks", "monthly": "monthly",
        "until": "until", "team": "Team", "person": "Person", "kind": "Kind", "side": "Side",
        "my_tasks": "Tasks in the RACI matrix", "my_communication": "Communication",
        "my_meetings": "Meetings", "my_milestones": "Milestones", "my_escalation": "Escalation",
        "none": "–", "nothing_here": "No entries.", "role_raci": "Tasks of this role",
        "all_roles": "All roles", "all_people": "All people and teams", "summary": "About the project",
        "no_communication": "The communication matrix is still empty.",
        "no_meetings": "No meetings yet.", "no_milestones": "No milestones yet.",
        "no_escalation": "No escalation path agreed.", "clock": "",
        "toggle_dark": "Switch to dark mode", "toggle_light": "Switch to light mode",
        "site_name": "Project handbook", "client_pages": "Project pages",
        "main_contact": "Main contact", "print_page": "Whole handbook", "contents": "Contents", "field": "Item", "direction": "Direction", "value": "Details",
        # diagrams (generator/diagrams.py); *_one / *_many: singular and plural with {n}
        "dg_represents": "represents", "dg_more": "+{n} more",
        "dg_members_one": "1 member", "dg_members_many": "{n} members",
        "dg_people_one": "1 person", "dg_people_many": "{n} people",
        "dg_lines_one": "1 communication line", "dg_lines_many": "{n} communication lines",
        "dg_parties_one": "1 party", "dg_parties_many": "{n} parties",
        "dg_levels_one": "1 level", "dg_levels_many": "{n} levels",
        "dg_alt_org": "Organisation chart: {client} on the client side, {contractor} on the contractor side{main}.",
        "dg_alt_main": "; the main contacts are {a} and {b}",
        "dg_alt_communication": "Communication diagram: {lines} between {parties}.",
        "dg_alt_escalation": "Escalation path in {levels}: {chain}.",
        "dg_alt_person": "Diagram for {name}: roles, deputies and communication with {parties}.",
        # downloads (generator/downloads.py)
        "milestone": "Milestone", "downloads": "Downloads",
        "dl_meetings": "Meetings and milestones for your calendar (iCalendar)",
        "dl_raci": "RACI matrix as a spreadsheet (CSV)", "dl_communication": "Communication matrix as a spreadsheet (CSV)",
        "dl_contacts": "Key contacts for your address book (vCard)",
    },
}

PATHS: dict[str, dict[str, str]] = {
    "de": {"roles": "rollen", "people": "personen", "communication": "kommunikation",
           "meetings": "termine", "methodology": "methodik", "pages": "seiten"},
    "en": {"roles": "roles", "people": "people", "communication": "communication",
           "meetings": "meetings", "methodology": "methodology", "pages": "pages"},
}

MONTHS = {
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
}


def label(lang: str, key: str) -> str:
    return LABELS[lang][key]


def long_date(lang: str, d: date) -> str:
    """3. Februar 2027 / 3 February 2027."""
    month = MONTHS[lang][d.month - 1]
    return f"{d.day}. {month} {d.year}" if lang == "de" else f"{d.day} {month} {d.year}"


def short_date(lang: str, d: date) -> str:
    """24.11.2027 / 24 Nov 2027."""
    return f"{d.day:02d}.{d.month:02d}.{d.year}" if lang == "de" else f"{d.day} {MONTHS['en'][d.month - 1][:3]} {d.year}"


def when(lang: str, d: date | datetime) -> str:
    """A date, with the time when one was given: 3. Februar 2027, 09:30 Uhr."""
    if isinstance(d, datetime):
        clock = f"{d.hour:02d}:{d.minute:02d}"
        return f"{long_date(lang, d.date())}, {clock} Uhr" if lang == "de" else f"{long_date(lang, d.date())}, {clock}"
    return long_date(lang, d)


def recurrence(lang: str, kind: str, until: date | None) -> str:
    """wöchentlich bis 24.11.2027 / weekly until 24 Nov 2027."""
    text = LABELS[lang][kind]
    return f"{text} {LABELS[lang]['until']} {short_date(lang, until)}" if until else text
