"""Categories and custom questions per deployment: the data file validated with pydantic
(errors name the field), edited by an administrator in the app, shown translated on the form,
checked on submission (form and API), kept on the report and exported."""

import csv
import io
import json

import pytest

from forewarn.reports import challenge, custom_form

from .conftest import csrf, login, make_users
from .test_web import _form

CUSTOM = """
version: 1
categories:
  - id: cattle_raid
    label: {en: Cattle raid, fr: Razzia de bétail, ar: نهب الماشية, es: Robo de ganado}
  - id: arson
    label: {en: Arson, fr: Incendie criminel, ar: حرق متعمد, es: Incendio provocado}
questions:
  - id: attackers_count
    kind: number
    required: true
    label: {en: "How many attackers?", fr: "Combien d'assaillants ?", ar: "كم عدد المهاجمين؟",
            es: "¿Cuántos atacantes?"}
"""


def test_default_form_is_valid_and_translated():
    form = custom_form.parse(custom_form.default_text())
    assert form.categories and form.questions
    for lang in ("en", "fr", "ar", "es"):
        shown = form.localized(lang)
        assert all(c["label"] for c in shown["categories"])
    assert form.localized("fr")["categories"][0]["label"] == "Meurtres"


@pytest.mark.parametrize("broken, message", [
    (CUSTOM.replace("ar: نهب الماشية, ", ""), "categories.0.label: missing ar"),
    (CUSTOM.replace("id: arson", "id: cattle_raid"), "category id 'cattle_raid' is used twice"),
    (CUSTOM.replace("kind: number", "kind: choice"), "at least two choices"),
    (CUSTOM.replace("id: arson", "id: Arson!"), "categories.1.id"),
    (CUSTOM + "\nextra: 1\n", "extra"),
    ("categories: [", "not valid YAML"),
])
def test_faulty_files_are_refused_naming_the_field(broken, message):
    with pytest.raises(custom_form.FormConfigError, match="the file.yaml: .*") as exc:
        custom_form.parse(broken, "the file.yaml")
    assert message in str(exc.value)


def test_answers_are_checked_against_the_form():
    form = custom_form.parse(CUSTOM)
    assert form.clean(["arson", "arson"], {"attackers_count": "12"}) == (
        ["arson"], {"attackers_count": "12"})
    for categories, answers, field in ((["looting"], {"attackers_count": "3"}, "categories"),
                                       ([], {}, "q_attackers_count"),
                                       ([], {"attackers_count": "many"}, "q_attackers_count"),
                                       ([], {"attackers_count": "3", "x": "1"}, "q_x")):
        with pytest.raises(custom_form.SubmissionError) as exc:
            form.clean(categories, answers)
        assert exc.value.field == field


def test_admin_edits_the_form_in_the_app_and_reporters_use_it(client, engine, settings):
    make_users(engine, ("viewer", "admin", "reviewer"))
    login(client, "viewer")
    assert client.get("/reports/form-settings.json").status_code == 403
    assert client.post("/reports/form-settings", data={"csrf_token": csrf(client),
                                                       "yaml": CUSTOM}).status_code == 403
    client.cookies.clear()
    login(client, "admin")
    before = client.get("/reports/form-settings.json").json()
    assert not before["customised"] and before["categories"][0]["id"] == "killing"
    bad = client.post("/reports/form-settings",
                      data={"csrf_token": csrf(client), "yaml": CUSTOM.replace("es: Arson", "")
                            .replace("es: Incendio provocado", "")})
    assert bad.status_code == 400 and "categories.1.label: missing es" in bad.text
    assert not custom_form.deployment_file(settings.data_dir).exists()
    ok = client.post("/reports/form-settings", data={"csrf_token": csrf(client),
                                                     "yaml": CUSTOM}, follow_redirects=False)
    assert ok.status_code == 303
    assert [c["id"] for c in client.get("/reports/form-settings.json").json()["categories"]] \
        == ["cattle_raid", "arson"]
    assert client.get("/reports/form-settings.yaml").text == CUSTOM
    client.cookies.clear()

    page = client.get("/report?lang=ar").text
    assert "نهب الماشية" in page and "كم عدد المهاجمين؟" in page
    assert client.get("/report.json").json()["questions"][0]["id"] == "attackers_count"
    # No-JavaScript form: a missing required answer is refused, then accepted.
    r = client.post("/report", data=_form(client) | {"categories": ["arson"]})
    assert r.status_code == 400 and 'href="#q_attackers_count"' in r.text
    r = client.post("/report", data=_form(client) | {"categories": ["arson", "cattle_raid"],
                                                     "q_attackers_count": "30"})
    assert r.status_code == 201, r.text[:300]
    # The API takes the answers as a JSON object.
    form = client.get("/report.json").json()
    token, bits = form["challenge"]["token"], form["challenge"]["bits"]
    data = {"what": "Raiders took the herds at the well", "place": "Kutum",
            "challenge_token": token, "pow_counter": str(challenge.solve(token, bits)),
            "categories": ["cattle_raid"], "answers": json.dumps({"attackers_count": "7"})}
    r = client.post("/api/reports", data=data, headers={"X-CSRF-Token": csrf(client)})
    assert r.status_code == 201, r.text
    form = client.get("/report.json").json()
    token = form["challenge"]["token"]
    wrong = data | {"challenge_token": token, "pow_counter": str(challenge.solve(token, bits)),
                    "categories": ["unknown"]}
    assert client.post("/api/reports", data=wrong,
                       headers={"X-CSRF-Token": csrf(client)}).status_code == 400

    login(client, "reviewer")
    rows = list(csv.DictReader(io.StringIO(client.get("/reports/export.csv").text)))
    by_place = {r["place"]: r for r in rows}
    assert by_place["Tawila"]["categories"] == "arson;cattle_raid"
    assert json.loads(by_place["Kutum"]["answers"]) == {"attackers_count": "7"}
    detail = client.get("/reports/1.json").json()["report"]
    assert detail["answers"] == {"attackers_count": "30"}


def test_a_saved_file_that_no_longer_validates_falls_back_to_the_default(tmp_path, caplog):
    path = custom_form.deployment_file(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(CUSTOM.replace("ar: حرق متعمد, ", ""), encoding="utf-8")
    form = custom_form.load(tmp_path)
    assert form.categories[0].id == "killing"
    assert "categories.1.label: missing ar" in caplog.text
    path.write_text(CUSTOM, encoding="utf-8")
    assert custom_form.load(tmp_path).categories[0].id == "cattle_raid"
