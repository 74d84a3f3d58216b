"""E-mails the outbox gave up on (``core.outbox.dead``): seen and retried by the federation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import outbox
from tenants import access


@login_required
@require_http_methods(["GET", "POST"])
def dead_messages(request):
    if not access.is_federation_admin(request.user):
        raise Http404
    if request.method == "POST":
        try:
            message_id = int(request.POST.get("message", ""))
        except ValueError:
            message_id = 0
        if outbox.retry(message_id):
            messages.success(request, _("Le message sera renvoyé."))
        else:
            messages.error(request, _("Ce message n'est plus en échec."))
        return redirect("organisation:dead-messages")
    return render(
        request,
        "tenants/outbox_dead.html",
        {"dead": outbox.dead()[:200], "max_attempts": outbox.max_attempts()},
    )
