"""``govreport mail``: each agency-year's report to its recipients, outbox first, no double sends.

For every params file named (default: all of ``params/``):

1. render what is missing or stale: the batch fingerprint of the inputs (with ``pdf``) against
   the batch record in ``<outputs>/<agency>/<year>/``; a fresh run writes HTML, PDF and the record;
2. compose the message (:mod:`govreport_kit.mail.compose`) and write it to the outbox;
3. unless ``dry_run``: skip it if the ledger says it was accepted already (``resend`` overrides),
   report it if an earlier send was interrupted, refuse it if over ``max_bytes``; else mark it
   ``sending``, deliver (:mod:`govreport_kit.mail.send`) and record the outcome.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from govreport_kit.core.errors import GovReportError, Location
from govreport_kit.mail import compose as C
from govreport_kit.mail.config import CONFIG_FILE, MailConfig, MailConfigError, load_config, password_for
from govreport_kit.mail.outbox import FAILED, SENDING, SENT, WRITTEN, Outbox, Record

# outcomes of one message
DONE, SKIPPED, DRY, PARTIAL, FAIL, UNKNOWN, BAD_INPUT = (
    "sent",
    "skipped",
    "dry-run",
    "partial",
    "failed",
    "interrupted",
    "input",
)


@dataclass
class Outcome:
    params: str
    outcome: str
    message: str  # Chinese, one line
    agency: str | None = None
    year: int | None = None
    eml: str | None = None
    record: Record | None = None


@dataclass
class MailRun:
    outcomes: list[Outcome] = field(default_factory=list)
    outbox: str = ""

    def count(self, *kinds: str) -> int:
        return sum(o.outcome in kinds for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        if self.count(BAD_INPUT):
            return 2
        return 1 if self.count(FAIL, UNKNOWN, PARTIAL) else 0

    def summary(self) -> str:
        parts = [f"已发送 {self.count(DONE, PARTIAL)} 封", f"跳过（此前已发送）{self.count(SKIPPED)} 封"]
        if self.count(DRY):
            parts.append(f"仅写入发件箱 {self.count(DRY)} 封")
        refused = sum(len(o.record.refused) for o in self.outcomes if o.record and o.outcome == PARTIAL)
        if refused:
            parts.append(f"被拒收件人 {refused} 个")
        parts += [
            f"失败 {self.count(FAIL)} 封",
            f"发送中断待核实 {self.count(UNKNOWN)} 封",
            f"输入无法使用 {self.count(BAD_INPUT)} 个",
        ]
        return f"共 {len(self.outcomes)} 个机构年度：" + "，".join(parts) + f"。发件箱：{self.outbox}"


def find_params(paths: Iterable[str] | None, params_dir: Path) -> list[Path]:
    """Params files named, or found in the folders named (``<agency>/<year>.yaml``); ``mail.yaml`` excluded."""
    found: list[Path] = []
    for p in [Path(x) for x in (paths or [])] or [params_dir]:
        if p.is_dir():
            found += sorted(f for f in p.rglob("*.yaml") if f.stem.isdigit() and f.name != CONFIG_FILE)
        elif p.is_file():
            found.append(p)
        else:
            raise MailConfigError(
                "找不到参数文件或目录", Location(file=str(p)), "写参数文件 params/<机构代码>/<年度>.yaml 或其所在目录"
            )
    if not found:
        raise MailConfigError("没有找到任何参数文件", Location(file=str(params_dir)), "先用 govreport new 建立机构年度")
    return list(dict.fromkeys(f.resolve() for f in found))


def mail_reports(
    paths: Iterable[str] | None = None,
    *,
    dry_run: bool = False,
    to: list[str] | None = None,
    smtp: str | None = None,
    resend: bool = False,
    audience: str = "review",
    outputs_root: str | Path | None = None,
    config: MailConfig | None = None,
    progress: Callable[[str], None] = lambda s: None,
    sleep: Callable[[float], None] = time.sleep,
) -> MailRun:
    """See the module docstring. Raises :class:`MailConfigError` (exit 2) for unusable configuration."""
    from govreport_kit.core import paths as P
    from govreport_kit.inputs.params import email_problem

    if audience not in C.AUDIENCE_LABELS:
        raise MailConfigError(f"audience 只能是 review 或 publish，而不是“{audience}”", Location(key="--audience"))
    for addr in to or []:
        if email_problem(addr):
            raise MailConfigError(email_problem(addr), Location(key="--to"), "写成 name@example.gov.cn")
    config = config or load_config(P.params_dir() / CONFIG_FILE)
    if smtp:
        config = config.with_server(smtp)
    password = password_for(config) if not dry_run else None
    root = Path(outputs_root) if outputs_root else P.outputs_dir()
    files = find_params(paths, P.params_dir())
    box = Outbox(root)
    run = MailRun(outbox=str(box.root))
    with box.locked():
        for i, f in enumerate(files, 1):
            o = _one(
                f,
                box,
                root,
                config,
                password,
                to=to,
                audience=audience,
                dry_run=dry_run,
                resend=resend,
                sleep=sleep,
                progress=lambda s, i=i: progress(f"[{i}/{len(files)}] {s}"),
            )
            run.outcomes.append(o)
            progress(f"[{i}/{len(files)}] {o.message}")
    return run


def _one(
    params_file: Path,
    box: Outbox,
    root: Path,
    config: MailConfig,
    password: str | None,
    *,
    to,
    audience: str,
    dry_run: bool,
    resend: bool,
    sleep,
    progress,
) -> Outcome:
    try:
        item, label = _prepare(params_file, root, config, to=to, audience=audience, progress=progress)
    except GovReportError as e:
        return Outcome(str(params_file), BAD_INPUT, f"{params_file}：{e.message}")
    except _RenderFailed as e:
        return Outcome(str(params_file), FAIL, f"{params_file}：报告生成失败：{e}")
    except Exception as e:  # a bug or a damaged output file: this message fails, the others go on
        return Outcome(str(params_file), FAIL, f"{params_file}：内部错误（{type(e).__name__}）：{e}")
    made = C.compose(
        item, sender=config.sender, subject_template=config.subject, reply_to=config.reply_to, date=time.time()
    )
    path = box.eml_path(item.agency_code, item.year, item.audience, made.content_hash)
    box.write_eml(path, made.eml)
    data = path.read_bytes()  # the bytes in the outbox are the bytes sent
    known = box.read().get(made.message_id)
    rec = known or _record(item, made, path.relative_to(box.root).as_posix(), len(data))
    out = Outcome(str(params_file), DRY, "", item.agency_code, item.year, str(path), rec)
    stop = _before_sending(out, known, box, config, label, len(data), dry_run=dry_run, resend=resend)
    if stop is not None:
        return stop
    rec.status, rec.reply, rec.refused = SENDING, "", {}
    box.update(rec)
    return _send(out, item, data, box, config, password, label, path, sleep, progress)


def _record(item, made, rel: str, size: int) -> Record:
    """The ledger record of a message just written to the outbox (status ``written``)."""
    counts = item.counts
    return Record(
        made.message_id, item.agency_code, item.year, item.audience, list(item.to), list(item.cc), made.subject,
        made.content_hash, rel, size, WRITTEN, errors=counts.get("error", 0), warnings=counts.get("warning", 0),
    )  # fmt: skip


def _before_sending(out: Outcome, known: Record | None, box: Outbox, config: MailConfig, label: str, size: int, *,
                    dry_run: bool, resend: bool) -> Outcome | None:  # fmt: skip
    """The outcome when this message must not be sent now (dry run, already sent, interrupted, too big)."""
    rec = out.record
    if dry_run:
        if known is None:
            box.update(rec)
        big = f"；注意：{_too_big(size, config)}" if size > config.max_bytes else ""
        out.message = f"{label}：已写入发件箱 {out.eml}{big}"
        return out
    if known and known.status == SENT and not resend:
        out.outcome, out.message = SKIPPED, f"{label}：此前已发送（{known.time}，{known.reply}），跳过"
        return out
    if known and known.status == SENDING and not resend:
        out.outcome = UNKNOWN
        out.message = (
            f"{label}：上次发送中断（{known.time} 标记为 sending，没有服务器回复），可能已经送达；"
            "请向收件人核实，需要时用 --resend 重发"
        )
        return out
    if size > config.max_bytes:
        rec.status, rec.reply = FAILED, _too_big(size, config)
        box.update(rec)
        out.outcome, out.message = FAIL, f"{label}：未发送，{rec.reply}"
        return out
    return None


def _send(out: Outcome, item, data: bytes, box: Outbox, config: MailConfig, password, label: str, path, sleep,
          progress) -> Outcome:  # fmt: skip
    """Deliver over SMTP and record the server's answer."""
    from govreport_kit.mail.send import deliver

    rec = out.record
    rcpt = list(item.to) + list(item.cc)
    d = deliver(config, config.sender_address, rcpt, data, password=password, sleep=sleep,
                on_retry=lambda n, why: progress(f"{label}：第 {n} 次尝试失败（{why}），稍后重试"))  # fmt: skip
    rec.status, rec.reply, rec.refused = (SENT if d.ok else FAILED), d.reply, d.refused
    rec.attempts += d.attempts
    box.update(rec)
    if d.ok and d.refused:
        refused = "；".join(f"{k}（{v}）" for k, v in d.refused.items())
        out.outcome, out.message = PARTIAL, f"{label}：已发送（{d.reply}），但以下收件人被拒：{refused}"
    elif d.ok:
        out.outcome, out.message = DONE, f"{label}：已发送给 {', '.join(rcpt)}（{d.reply}）"
    else:
        kind = f"重试 {d.attempts} 次后仍失败" if d.temporary else "被拒绝，不再重试"
        out.outcome, out.message = FAIL, f"{label}：发送失败，{kind}：{d.reply}。邮件保留在发件箱 {path}"
    return out


def _too_big(size: int, config: MailConfig) -> str:
    return (
        f"邮件 {size / 1e6:.1f} MB 超过上限 {config.max_bytes / 1e6:.1f} MB；"
        "在 params/mail.yaml 中设 attach: [pdf] 只附 PDF，或把 max_bytes 调到对方服务器允许的大小"
    )


class _RenderFailed(Exception):
    pass


def _prepare(
    params_file: Path, root: Path, config: MailConfig, *, to, audience: str, progress
) -> tuple[C.MailItem, str]:
    """Load the params, render if needed, and gather what the message is made of."""
    from govreport_kit.inputs.load import load_agency_year, load_previous
    from govreport_kit.inputs.params import load_params

    params = load_params(params_file)
    code, year = params.agency.code, params.year
    label = f"{code} {year} {C.AUDIENCE_LABELS[audience]}"
    recipients = tuple(to) if to else tuple(params.mail.get("to", []))
    cc = () if to else tuple(dict.fromkeys(list(params.mail.get("cc", [])) + list(config.cc)))
    if not recipients:
        raise MailConfigError(
            "没有收件人",
            Location(file=str(params_file), key="mail.to"),
            "在参数文件中写 mail: {to: [name@example.gov.cn]}，或用 --to 指定",
        )
    out_dir = _ensure_rendered(params_file, root, code, year, audience, progress, label)
    findings_doc = json.loads((out_dir / "findings.json").read_text(encoding="utf-8"))
    model = load_agency_year(params)
    previous = load_previous(params)
    attachments = tuple(
        C.Attachment(
            kind,
            (out_dir / f"report.{kind}").read_bytes(),
            C.attachment_name(params.agency.name, year, kind),
            f"{code}-{year}.{kind}",
        )
        for kind in ("html", "pdf")
        if kind in config.attach
    )
    item = C.MailItem(
        code,
        params.agency.name,
        year,
        audience,
        findings_doc.get("findings", []),
        C.key_figures(model),
        C.key_figures(previous) if previous is not None else None,
        attachments,
        recipients,
        cc,
        dict(findings_doc.get("counts", {})),
    )
    return item, label


def _ensure_rendered(params_file: Path, root: Path, code: str, year: int, audience: str, progress, label: str) -> Path:
    """``<root>/<code>/<year>``, rendered now (HTML + PDF) unless its batch record is current."""
    from govreport_kit.batch import fingerprint as F
    from govreport_kit.batch import store
    from govreport_kit.batch.jobs import EMPTY, FINDINGS, OK, Job, JobResult
    from govreport_kit.running.runner import output_dir, run_report

    out_dir = output_dir(root, code, year)
    sroot = store.normalise_root(root)
    inputs, name = F.job_inputs(params_file, F.common_inputs())
    fp = F.fingerprint(inputs, audience=audience, pdf=True)
    last = store.read_record(sroot, code, year)
    current = (
        last is not None
        and last.fingerprint == fp
        and last.status in (OK, FINDINGS, EMPTY)
        and all((out_dir / n).is_file() for n in ("report.html", "report.pdf", "findings.json"))
    )
    if current:
        return out_dir
    progress(f"{label}：报告缺失或已过期，正在生成（HTML 与 PDF）…")
    rr = run_report(params_file, audience=audience, outputs_root=root, pdf=True)
    job = Job(
        code,
        year,
        str(params_file),
        name=name,
        outputs_root=sroot,
        audience=audience,
        inputs=inputs,
        fingerprint=fp,
        pdf=True,
    )
    store.write_record(sroot, JobResult.from_run(job, rr))
    if not rr.pdf_path:
        if rr.reason == "input":
            raise MailConfigError(rr.message, Location(file=str(params_file)))
        raise _RenderFailed(rr.message or rr.reason or "未知原因")
    return out_dir
