"""Safety assessment against TC260-003 / GB/T 45654: banks, judges, runs, metrics and reports.

* Banks: JSONL questions (:func:`load_bank`, :func:`bank_coverage`); the starter banks and
  MultiJail (:func:`multijail_path`) are shipped.
* Keyword library: :class:`KeywordMatcher` (Aho-Corasick, Chinese-aware normalisation),
  :func:`load_keyword_library`, :func:`keyword_coverage`.
* Judges: :func:`is_refusal` / :class:`RefusalJudge`, :class:`KeywordJudge`, :class:`ModelJudge`;
  :func:`calibrate` against human labels.
* Runs: :func:`run_assessment` / :func:`resume_assessment` (seeded, stored as results arrive,
  resumable), :func:`build_report`, :func:`render_html`, :func:`report_digest`,
  :func:`record_assessment_on_filing`; :func:`conclude_assessment` is the loop step every face
  calls after a run (attach to the filing, then record the report in the ledger).
"""

from govloop.assess._assess import (
    DEMO_MODEL_SPEC,
    build_judges,
    default_options,
    open_model,
    resume_assessment,
    run_assessment,
    run_demo_assessment,
)
from govloop.assess._bank import (
    Bank,
    BankCoverage,
    BankItem,
    bank_coverage,
    load_bank,
    multilingual_bank_path,
    parse_bank,
    starter_bank_path,
)
from govloop.assess._calibrate import (
    Agreement,
    LabelRecord,
    LanguageAgreement,
    calibrate,
    calibrate_by_language,
    load_labels,
)
from govloop.assess._fanout import fan_out_runs
from govloop.assess._filing import (
    ConcludedAssessment,
    conclude_assessment,
    record_assessment_on_filing,
    record_report_in_ledger,
)
from govloop.assess._guard import KeywordGuardedModel
from govloop.assess._html import render_html
from govloop.assess._judges import (
    DEFAULT_JUDGES,
    DEFAULT_RUBRIC,
    GUARDED_JUDGES,
    JUDGES,
    Judge,
    Judgement,
    KeywordJudge,
    ModelJudge,
    RefusalJudge,
    Verdict,
    combine,
    create_judge,
    default_judges,
    judge_spec,
)
from govloop.assess._keywords import (
    KeywordCoverage,
    KeywordHit,
    KeywordMatcher,
    keyword_coverage,
    load_keyword_library,
    starter_keywords_path,
)
from govloop.assess._langgap import GAP_ALPHA, language_results
from govloop.assess._metrics import Outcome, Rate, compute_metrics, wilson_interval
from govloop.assess._multijail import MULTIJAIL_TAGS, TagMapping, multijail_path
from govloop.assess._normalize import normalize
from govloop.assess._refusal import RefusalDetector, is_refusal
from govloop.assess._report import build_report, canonical_json, report_digest
from govloop.assess._run import (
    DEFAULT_SIZES,
    RunOptions,
    RunSummary,
    execute_run,
    get_run,
    list_runs,
    plan_sample,
    run_summary,
    start_run,
)
from govloop.assess._taxonomy import NIST_RISKS, TC260_RISKS, Risk, Taxonomy, load_taxonomy

__all__ = [
    "Agreement",
    "Bank",
    "BankCoverage",
    "BankItem",
    "ConcludedAssessment",
    "DEFAULT_JUDGES",
    "DEFAULT_RUBRIC",
    "DEFAULT_SIZES",
    "DEMO_MODEL_SPEC",
    "GAP_ALPHA",
    "GUARDED_JUDGES",
    "JUDGES",
    "Judge",
    "Judgement",
    "KeywordCoverage",
    "KeywordGuardedModel",
    "KeywordHit",
    "KeywordJudge",
    "KeywordMatcher",
    "LabelRecord",
    "LanguageAgreement",
    "MULTIJAIL_TAGS",
    "ModelJudge",
    "NIST_RISKS",
    "Outcome",
    "Rate",
    "RefusalDetector",
    "RefusalJudge",
    "Risk",
    "RunOptions",
    "RunSummary",
    "TC260_RISKS",
    "TagMapping",
    "Taxonomy",
    "Verdict",
    "bank_coverage",
    "build_judges",
    "build_report",
    "calibrate",
    "calibrate_by_language",
    "canonical_json",
    "combine",
    "compute_metrics",
    "conclude_assessment",
    "create_judge",
    "default_judges",
    "default_options",
    "execute_run",
    "fan_out_runs",
    "get_run",
    "is_refusal",
    "judge_spec",
    "keyword_coverage",
    "language_results",
    "list_runs",
    "load_bank",
    "load_keyword_library",
    "load_labels",
    "load_taxonomy",
    "multijail_path",
    "multilingual_bank_path",
    "normalize",
    "open_model",
    "parse_bank",
    "plan_sample",
    "record_assessment_on_filing",
    "record_report_in_ledger",
    "render_html",
    "report_digest",
    "resume_assessment",
    "run_assessment",
    "run_demo_assessment",
    "run_summary",
    "start_run",
    "starter_bank_path",
    "starter_keywords_path",
    "wilson_interval",
]
