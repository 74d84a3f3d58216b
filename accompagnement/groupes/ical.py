"""iCalendar (RFC 5545) export of a group's meetings, built with the ``icalendar``
package (escaping, 75-octet line folding and UTC times are its job, not ours)."""

from __future__ import annotations

import datetime

from django.conf import settings
from icalendar import Calendar, Event

from accompagnement.groupes.models import ReunionCollective
from tenants.models import GroupeTravail


def meetings_calendar(groupe: GroupeTravail, reunions: list[ReunionCollective]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Qualiréseau//Réunions collectives//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{groupe.nom} — réunions collectives")
    host = settings.SITE_URL.split("//")[-1].split("/")[0] or "qualireseau"
    for reunion in reunions:
        event = Event()
        event.add("uid", f"reunion-{reunion.pk}@{host}")
        event.add("dtstamp", reunion.created_at.astimezone(datetime.UTC))
        event.add("dtstart", reunion.date.astimezone(datetime.UTC))
        event.add(
            "dtend",
            (reunion.date + datetime.timedelta(minutes=reunion.duree_minutes)).astimezone(
                datetime.UTC
            ),
        )
        event.add("summary", f"{groupe.nom} : {reunion.theme}" if reunion.theme else groupe.nom)
        event.add("location", reunion.lieu)
        if reunion.ordre_du_jour:
            event.add("description", reunion.ordre_du_jour)
        event.add("status", "CANCELLED" if reunion.annulee else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
