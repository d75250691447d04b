"""A built dossier (dossier.build) as Markdown and as PDF (WeasyPrint from the print template).

Both render the same dict as the page and the JSON twin, so every format carries the same
findings, citations and redactions.
"""

from __future__ import annotations

from forewarn.web.render import templates


def _cites(cites: list[dict]) -> str:
    return "".join(f"[{c['n']}{', ' + c['locator'] if c['locator'] else ''}]" for c in cites)


def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(d: dict) -> str:
    s = d["situation"]
    out = [f"# {s['title']}", "",
           f"{s['country']['name']} ({s['country']['iso3']}) · {s['period_start']} to "
           f"{s['period_end']} · Standard of proof: **{s['standard_of_proof']['label']}**", "",
           f"_Generated {d['generated_at']} for {d['reader']['username']} "
           f"({d['reader']['role']}). Sensitivity: {s['sensitivity']}._", ""]
    if s["summary"]:
        out += [s["summary"], ""]
    w = d["withheld"]
    restricted = sum(1 for x in d["sources"] if x["restricted"])
    if w["findings"] or w["incidents"] or restricted:
        out += [f"> Redacted for this reader: {w['findings']} finding(s) and {w['incidents']} "
                f"incident(s) withheld; {restricted} cited source(s) withheld.", ""]
    out += ["## 1. Findings of fact", ""]
    out += [f"{n}. {f['text']} {_cites(f['citations'])}"
            for n, f in enumerate(d["findings"], start=1)] or ["_None._"]
    out += ["", "## 2. Legal determinations", "",
            f"_Element texts are paraphrases: {d['catalogue']['paraphrase_notice']}_", ""]
    for det in d["determinations"]:
        flag = " — **unconfirmed catalogue entry**" if not det["confirmed"] else ""
        scopes = "; ".join(
            ("the situation" if a["scope"] == "situation" else f"incident #{a['scope_id']}")
            + f" by {a['by']}" + (f" ({a['reason']})" if a["reason"] else "")
            for a in det.get("accepted_for") or [
                {"scope": det["scope"], "scope_id": det["scope_id"],
                 "by": det["decided_by"], "reason": det["reason"]}])
        out += [f"### {det['label']} ({det['ref']}, {det['family_label']}){flag}", "",
                f"Accepted for {scopes}.", ""]
        if det["stale"]:
            out += ["> The current evidence no longer supports proposing this crime.", ""]
        if det["elements"]:
            out += ["| Element | Type | Status | Evidence |", "|---|---|---|---|"]
            out += [f"| {_md_escape(e['text'])} ({e['id']}) | {e['kind']} | {e['status']} | "
                    f"{_cites(e['citations']) or '—'} |" for e in det["elements"]]
            out.append("")
        if det["missing"]:
            out += ["Still missing: " + ", ".join(m["id"] for m in det["missing"]) + ".", ""]
    if not d["determinations"]:
        out += ["_No legal determination has been accepted yet._", ""]
    und = d.get("undecided") or {"count": 0}
    if und["count"]:
        out += [f"Proposals not yet decided ({und['count']}): " + "; ".join(
            u["label"] for u in und["items"]) + ".", ""]
    if d["rejected"]:
        out += ["Rejected proposals: " + "; ".join(
            f"{r['label']} ({r['ref']}){': ' + r['reason'].rstrip('.') if r['reason'] else ''}"
            for r in d["rejected"]) + ".", ""]
    ob = d["obligations"]
    out += ["## 3. Obligations of the state", ""]
    if ob["available"]:
        out += [f"> **Contradicted fact.** {c['kind']}, {c['subject']}: a finding says "
                f"**{c['finding']}** ({c['finding_citation']}, as of {c['finding_as_of']}); "
                f"the {c['in_force_source']} fact says **{c['in_force']}** "
                f"({c['in_force_citation']}, as of {c['in_force_as_of']})."
                for c in ob.get("contradictions", [])]
        if ob.get("contradictions"):
            out.append("")
        out += ["| Treaty | Party | Note | Source (as of) |", "|---|---|---|---|"]
        out += [f"| {t['treaty']} | {'yes' if t['party'] else t['status']} | "
                f"{_md_escape(t['note'])} | {_md_escape(t['citation'])} ({t['as_of']}"
                f"{'; corrected' if t['source'] == 'corrected' else ''}) |"
                for t in ob["treaties"]]
        out.append("")
        out += [f"- **{o['court']}, {o['case']}, order of {o['date']}.** {o['summary']} "
                f"Compliance: {o['compliance']}. ({o['citation']}, as of {o['as_of']})"
                for o in ob["court_orders"]]
    else:
        out.append(f"_{ob['note']}_")
    out += [f"- {f['text']} {_cites(f['citations'])}" for f in ob["findings"]]
    rec = d["recommendations"]
    out += ["", "## 4. Recommendations", ""]
    if rec["available"] and rec["items"]:
        out += [f"{n}. **{r['name']}** ({r['pillar_label']}; {r['status'].replace('_', ' ')})"
                for n, r in enumerate(rec["items"], start=1)]
        out += ["", f"_{rec['note']}_"]
    else:
        out.append(f"_{rec['note'] or 'No recommendations yet.'}_")
    out += ["", "## Sources", ""]
    for src in d["sources"]:
        if src["restricted"]:
            out.append(f"[{src['n']}] {src['title']}")
        else:
            out.append(f"[{src['n']}] {src['title']}. {src['citation'] or ''} "
                       f"({src['kind']}; {src['original_location']}; captured "
                       f"{(src['captured_at'] or '?')[:19]}; registered "
                       f"{(src.get('registered_at') or '?')[:19]}; grading "
                       f"{src['reliability'] or '-'}{src['credibility'] or '-'}; sha256 "
                       f"{src['sha256']})")
            chain = "; ".join(f"{c['seq']}. {c['action']} {(c['at'] or '')[:19]} by "
                              f"{c['actor']}" for c in src.get("custody", []))
            out.append(f"    Custody: {chain} (head {src.get('custody_head', '')}; log "
                       f"{src.get('custody_url', '')})")
    out += ["", f"_{d['catalogue']['provenance']}_", ""]
    return "\n".join(out)


def to_print_html(d: dict) -> str:
    return templates.env.get_template("evidence/dossier_print.html").render(**d)


def _no_fetch(url: str, *args, **kwargs):
    # The PDF is built from our own template: it must never reach out to the network.
    raise ValueError(f"external resource refused in dossier PDF: {url}")


def to_pdf(d: dict) -> bytes:
    import weasyprint  # heavy: weasyprint, only for a PDF export

    return weasyprint.HTML(string=to_print_html(d), url_fetcher=_no_fetch).write_pdf()
