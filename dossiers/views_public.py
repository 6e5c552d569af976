"""The public status page: anyone with a dossier's code sees where it stands (DESIGN §1, §13).

It shows the code, procedure, agency, state, dates and the applicant's name masked — no ID
number, address, phone, e-mail or file, for anyone, signed in or not.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from dossiers import selectors
from dossiers.forms import TrackForm


@require_GET
def track_search(request: HttpRequest) -> HttpResponse:
    """``/tra-cuu/?ma=…``: the lookup form, which leads to the dossier's status page."""
    form = TrackForm(request.GET or None)
    if form.is_valid():
        return redirect("dossiers:track", code=form.cleaned_data["ma"])
    return render(request, "dossiers/public/track.html", {"form": form, "status": None})


@require_GET
def track(request: HttpRequest, code: str) -> HttpResponse:
    status = selectors.public_status(code)
    form = TrackForm(initial={"ma": code})
    context = {"form": form, "status": status, "code": code}
    return render(request, "dossiers/public/track.html", context, status=200 if status else 404)
