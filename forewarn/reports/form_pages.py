"""The deployment's categories and questions, edited by an administrator in the app
(`/reports/form-settings`, JSON twin, YAML download). Saving validates first: a faulty file
is refused with the field named and the form in force stays as it was. Audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from forewarn.reports import custom_form
from forewarn.reports.deps import Admin
from forewarn.reports.i18n import LANGUAGES
from forewarn.security import Principal
from forewarn.security.audit import record
from forewarn.security.deps import require_login
from forewarn.web.render import render, twin

router = APIRouter(tags=["reports"])


def _settings_view(request: Request, text: str | None = None, error: str = "") -> dict:
    data_dir = request.app.state.settings.data_dir
    current = custom_form.current_text(data_dir)
    form = custom_form.parse(current)
    return {"yaml": current if text is None else text, "error": error,
            "customised": custom_form.deployment_file(data_dir).exists(),
            "languages": list(LANGUAGES), "categories": [c.model_dump() for c in form.categories],
            "questions": [q.model_dump() for q in form.questions]}


@twin(router, "/reports/form-settings", "reports/form_settings.html", tags=["reports"])
def form_settings(request: Request, principal: Admin):
    """The report form's categories and custom questions for this deployment (with every
    label in en, fr, ar and es), and the YAML an administrator edits."""
    return _settings_view(request)


@router.post("/reports/form-settings", include_in_schema=True,
             responses={400: {"description": "The YAML is not a valid form (field named)"}})
def save_form_settings(request: Request, principal: Admin,
                       yaml_text: Annotated[str, Form(alias="yaml")]):
    """Replace the deployment's categories and questions (YAML as on the settings page)."""
    data_dir = request.app.state.settings.data_dir
    before = custom_form.current_text(data_dir)
    try:
        config = custom_form.save(data_dir, yaml_text)
    except custom_form.FormConfigError as exc:
        if "application/json" in request.headers.get("accept", ""):
            raise HTTPException(400, str(exc)) from None
        return render(request, "reports/form_settings.html",
                      _settings_view(request, yaml_text, str(exc)), status_code=400)
    with request.app.state.sessions() as session, session.begin():
        record(session, principal, "report.form_settings", "report_form", None,
               before={"yaml": before}, after={"categories": len(config.categories),
                                               "questions": len(config.questions),
                                               "yaml": yaml_text})
    return RedirectResponse("/reports/form-settings", status_code=303)


@router.get("/reports/form-settings.yaml")
def export_form_settings(request: Request,
                         principal: Annotated[Principal, Depends(require_login)]):
    """The deployment's form as the YAML file (to keep, or to load on another deployment)."""
    return Response(custom_form.current_text(request.app.state.settings.data_dir),
                    media_type="application/yaml; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=report-form.yaml"})
