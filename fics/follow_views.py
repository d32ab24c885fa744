"""Adding a work by its address, and checking a followed work for updates: both queue a fetch
(fics.follow_tasks) that the upload page then follows like any import."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from fics.follow_tasks import follow_job_create
from fics.forms import AddressForm, UploadForm
from fics.http import wants_fragment
from fics.views import _get_managed_work, _import_jobs, _with_results


@require_POST
@login_required
def upload_address(request: HttpRequest) -> HttpResponse:
    form = AddressForm(request.POST)
    if not form.is_valid():
        context = {"form": UploadForm(), "address_form": form}
        if wants_fragment(request):
            # The form is drawn again in its own place, with its errors: a 200, as htmx swaps
            # nothing for an error status.
            response = render(request, "upload.html#address-form", context)
            return reswap(retarget(response, "#address-form"), "outerHTML")
        return render(request, "upload.html", context, status=400)
    job = follow_job_create(
        owner=request.user,
        address=form.cleaned_data["address"],
        is_adult=form.cleaned_data["is_adult"],
    )
    # Read again: where tasks run at once (ImmediateBackend) it has already finished.
    jobs = _with_results(_import_jobs().filter(pk=job.pk))
    context = {"form": UploadForm(), "address_form": AddressForm(), "jobs": jobs}
    template = "upload.html#results" if wants_fragment(request) else "upload.html"
    return render(request, template, context)


@require_POST
@login_required
def work_check_updates(request: HttpRequest, pk: int) -> HttpResponse:
    """Fetch a followed work again; the upload page shows how the fetch goes."""
    work = _get_managed_work(request, pk)
    if not work.source_url:
        raise Http404("This work was not added by its address.")
    job = follow_job_create(
        owner=request.user,
        address=work.source_url,
        is_adult=request.POST.get("is_adult") == "on",
        target=work,
    )
    return redirect(f"{reverse('upload')}?job={job.pk}")
