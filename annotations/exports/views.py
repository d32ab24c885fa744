"""Export and import pages: thin views over collect, the format modules and importing."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from annotations.exports.collect import collect_export
from annotations.exports.formats import FORMATS, export_filename
from annotations.exports.forms import ONE_CHAPTER, ExportForm, ImportForm
from annotations.exports.importing import annotations_import
from annotations.models import Tag
from fics.models import Work


def _get_work(pk: int) -> Work:
    """Every reader may read every work in the library; what is private is annotations, and
    collect_export only ever gathers the ones the reader may see."""
    return get_object_or_404(Work, pk=pk)


def _chapters(work: Work) -> list:
    return list(work.chapters.only("work_id", "position", "title"))


def _export_context(request: HttpRequest, work: Work, form: ExportForm) -> dict:
    # The tag field suggests the reader's own tag names; shared annotations may carry others.
    tag_names = Tag.objects.filter(owner=request.user).values_list("name", flat=True)
    return {"work": work, "form": form, "tag_names": tag_names}


@require_GET
@login_required
def export_form(request: HttpRequest, pk: int) -> HttpResponse:
    work = _get_work(pk)
    chapters = _chapters(work)
    initial = {}
    chapter = request.GET.get("chapter", "")
    if chapter.isdigit() and any(c.position == int(chapter) for c in chapters):
        initial = {"scope": ONE_CHAPTER, "chapter": int(chapter)}
    form = ExportForm(initial=initial, chapters=chapters)
    return render(request, "export.html", _export_context(request, work, form))


@require_GET
@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    work = _get_work(pk)
    form = ExportForm(request.GET, chapters=_chapters(work))
    if not form.is_valid():
        return render(request, "export.html", _export_context(request, work, form), status=400)
    export_format = FORMATS[form.cleaned_data["format"]]
    record = collect_export(
        work=work,
        reader=request.user,
        scope=form.export_scope(),
        base_url=request.build_absolute_uri("/"),
    )
    response = HttpResponse(export_format.render(record), content_type=export_format.content_type)
    # A download, never a page of ours: the HTML export carries its own styles and policy.
    response["Content-Disposition"] = content_disposition_header(
        True, export_filename(record, export_format)
    )
    return response


@require_http_methods(["GET", "POST"])
@login_required
def import_annotations(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    report = None
    if request.method == "POST" and form.is_valid():
        report = annotations_import(user=request.user, imported=form.cleaned_data["file"])
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(
        request, "import_annotations.html", {"form": form, "report": report}, status=status
    )
