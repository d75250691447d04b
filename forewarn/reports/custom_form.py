"""A deployment's own categories and questions on the report form (data, not code).

The default is `data/form.yaml`; an administrator edits the deployment's copy in the app
(`/reports/form-settings`), saved as `<data dir>/reports/form.yaml`. Both are validated with
pydantic: unique ids, every label in each language of the form, choices for choice questions.
A file that fails keeps the previous one in force and the error names the field
(e.g. `questions.1.label: missing ar`).
"""

from __future__ import annotations

import logging
import os
import re
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from forewarn.reports.i18n import LANGUAGES

log = logging.getLogger("forewarn.reports")
MAX_ANSWER = 1000
_ID = r"^[a-z][a-z0-9_]{0,39}$"


class FormConfigError(ValueError):
    """The form file is not valid; the message names the file and each faulty field."""


def _label(value: dict) -> dict:
    if not isinstance(value, dict):
        raise ValueError("a label is a mapping of language code to text")
    missing = [lang for lang in LANGUAGES if not str(value.get(lang) or "").strip()]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        raise ValueError(f"unknown language {', '.join(unknown)} (the form has "
                         f"{', '.join(LANGUAGES)})")
    return {k: str(v).strip() for k, v in value.items()}


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=_ID)
    label: dict[str, str]

    _check_label = field_validator("label", mode="before")(lambda cls, v: _label(v))

    def text(self, lang: str) -> str:
        return self.label.get(lang) or self.label["en"]


class Category(_Item):
    pass


class Choice(_Item):
    pass


class Question(_Item):
    kind: Literal["text", "long_text", "number", "yes_no", "choice"] = "text"
    required: bool = False
    choices: list[Choice] = Field(default_factory=list)

    @model_validator(mode="after")
    def _choices(self):
        if self.kind == "choice" and len(self.choices) < 2:
            raise ValueError("a choice question needs at least two choices")
        if self.kind != "choice" and self.choices:
            raise ValueError(f"a {self.kind} question has no choices")
        _unique([c.id for c in self.choices], "choice")
        return self


class FormConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = 1
    categories: list[Category] = Field(default_factory=list, max_length=50)
    questions: list[Question] = Field(default_factory=list, max_length=30)

    @model_validator(mode="after")
    def _ids(self):
        _unique([c.id for c in self.categories], "category")
        _unique([q.id for q in self.questions], "question")
        return self

    def localized(self, lang: str) -> dict:
        """Categories and questions in LANG, for the form."""
        return {"categories": [{"id": c.id, "label": c.text(lang)} for c in self.categories],
                "questions": [{"id": q.id, "kind": q.kind, "required": q.required,
                               "label": q.text(lang),
                               "choices": [{"id": c.id, "label": c.text(lang)}
                                           for c in q.choices]} for q in self.questions]}

    def clean(self, categories: list[str], answers: dict[str, str]) -> tuple[list, dict]:
        """The submitted categories and answers, checked against this form; raises
        ValueError naming the field (`categories` or `q_<question id>`)."""
        known = {c.id for c in self.categories}
        bad = [c for c in categories if c not in known]
        if bad:
            raise SubmissionError("categories", f"unknown category {bad[0]!r}")
        out = {}
        for q in self.questions:
            value = str(answers.get(q.id) or "").strip()
            if not value:
                if q.required:
                    raise SubmissionError(f"q_{q.id}", "an answer is required")
                continue
            if len(value) > MAX_ANSWER:
                raise SubmissionError(f"q_{q.id}", f"at most {MAX_ANSWER} characters")
            if q.kind == "number" and not re.fullmatch(r"-?\d+(\.\d+)?", value):
                raise SubmissionError(f"q_{q.id}", "a number is expected")
            if q.kind == "yes_no" and value not in ("yes", "no"):
                raise SubmissionError(f"q_{q.id}", "yes or no is expected")
            if q.kind == "choice" and value not in {c.id for c in q.choices}:
                raise SubmissionError(f"q_{q.id}", f"unknown choice {value!r}")
            out[q.id] = value
        extra = sorted(set(answers) - {q.id for q in self.questions})
        if extra:
            raise SubmissionError(f"q_{extra[0]}", "no such question on this form")
        return list(dict.fromkeys(categories)), out


class SubmissionError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


def _unique(ids: list[str], what: str) -> None:
    seen = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"{what} id {i!r} is used twice")
        seen.add(i)


def deployment_file(data_dir: Path) -> Path:
    return Path(data_dir) / "reports" / "form.yaml"


def default_text() -> str:
    return (resources.files("forewarn.reports") / "data" / "form.yaml").read_text("utf-8")


def parse(text: str, source: str = "form.yaml") -> FormConfig:
    """Validate TEXT (YAML); raises FormConfigError naming SOURCE and each faulty field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FormConfigError(f"{source}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise FormConfigError(f"{source}: expected a mapping with categories and questions")
    try:
        return FormConfig.model_validate(data)
    except ValidationError as exc:
        faults = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'form'}: "
                           f"{e['msg'].removeprefix('Value error, ')}" for e in exc.errors())
        raise FormConfigError(f"{source}: {faults}") from None


def current_text(data_dir: Path) -> str:
    path = deployment_file(data_dir)
    return path.read_text("utf-8") if path.exists() else default_text()


def load(data_dir: Path) -> FormConfig:
    """The deployment's form (its own file when an administrator saved one). A saved file
    that no longer validates (e.g. a language added to the form since) must not take the
    public form down: the default is used and the fault logged for the administrator."""
    path = deployment_file(data_dir)
    if path.exists():
        try:
            return parse(path.read_text("utf-8"), str(path))
        except FormConfigError as exc:
            log.error("report form: using the default form; %s", exc)
    return parse(default_text(), "data/form.yaml")


def save(data_dir: Path, text: str) -> FormConfig:
    """Validate TEXT and make it the deployment's form (atomic: never half a file)."""
    config = parse(text, "the submitted form")
    path = deployment_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)
    return config
