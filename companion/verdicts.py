"""Claims of the two articles tested against outside data, as declared rules.

Analysis layer: no Sphinx or docutils here. A chapter calls :func:`run_rules` (or
:func:`verdict_table`); the book layer (:mod:`companion.book.claimreview`) and the downloads
(:func:`derived_table`) read the same verdicts, so the page, the markup and the published
table can never disagree.

Each :class:`Rule` declares what it tests: the claim's data row, the outside measure, the
windows, and a threshold with the reason for it. The rule runs once per *variant*
(each window; for rules about Kazakhstan alone, also the SIPRI trade register with and
without its single largest deal). :func:`decide` turns the variants into one verdict:

* every variant agrees: "consistent with …" / "inconsistent with …";
* variants disagree: "depends on …", naming the variant that flips and why;
* the claim's item carries an open flag whose sources disagree: "sources disagree", whatever
  the numbers say (the book never takes a side on an open flag);
* no variant decides (no data, an all-zero series, a tie): "cannot be decided from the data".

Two rules of method: the 2022 SIPRI table by supplier (every recipient) and the 2026 trade
register (Kazakhstan alone, single deals) are never joined into one series; rules that
compare recipients therefore rank them in the 2022 table's two windows only. Where such a
ranking rests on one register deal, a further variant asks the register alone whether
Kazakhstan's U.S. volume is left at all without that deal; it ranks nothing.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Callable, Iterable

import pandas as pd

Window = tuple[int, int]

#: The articles' period, and its part after 11 September 2001 (when U.S. deliveries begin).
ARTICLES: Window = (1995, 2007)
POST_2001: Window = (2002, 2007)
WINDOWS: tuple[Window, ...] = (ARTICLES, POST_2001)
#: Central Asian recipients of the 2022 SIPRI table.
RECIPIENTS = ("Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan")
#: Flag statuses that leave a question open (``accepted_correction`` settles it).
OPEN_FLAG_STATUSES = frozenset({"flagged", "open_question"})
#: The Security Assistance Monitor rows of ``us_aid_headlines``: its only five-year bins.
AID_CATEGORY = "Military and police aid (sum of years)"
AID_BINS = ("2001-2005", "2006-2010")

#: Short statuses, in the order a summary lists them.
STATUSES = (
    "consistent",
    "consistent in part",
    "inconsistent",
    "not borne out",
    "plan not carried out in the register",
    "depends",
    "sources disagree",
    "outside the data's scope",
    "cannot be decided",
)

#: How the prose counts the verdicts of each status: (one verdict, several verdicts).
STATUS_PHRASES = {
    "consistent": ("{n} is consistent with the outside data in every variant", "{n} are consistent with the outside data in every variant"),
    "consistent in part": ("{n} is consistent in part", "{n} are consistent in part"),
    "inconsistent": ("{n} is inconsistent", "{n} are inconsistent"),
    "not borne out": ("{n} is not borne out in the one channel measured", "{n} are not borne out in the one channel measured"),
    "plan not carried out in the register": (
        "{n} shows a plan not carried out in the register",
        "{n} show a plan not carried out in the register",
    ),
    "depends": ("{n} depends on the window", "{n} depend on the window"),
    "sources disagree": ("in {n} the sources disagree", "in {n} the sources disagree"),
    "outside the data's scope": ("{n} lies outside the data's scope", "{n} lie outside the data's scope"),
    "cannot be decided": ("{n} cannot be decided from these data", "{n} cannot be decided from these data"),
}


def status_counts_sentence(statuses: Iterable[str]) -> str:
    """The verdicts counted by status, in :data:`STATUSES` order, statuses with none left out:
    ``"3 are consistent with the outside data in every variant, 1 depends on the window and
    2 cannot be decided from these data"``. A status not in :data:`STATUSES` raises ``KeyError``."""
    counts = Counter(statuses)
    unknown = set(counts) - set(STATUSES)
    if unknown:
        raise KeyError(f"statuses without a phrase: {sorted(unknown)}")
    parts = [STATUS_PHRASES[s][counts[s] != 1].format(n=counts[s]) for s in STATUSES if counts[s]]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def span(window: Window) -> str:
    """'1995–2007' (en dash), as the book writes a window; one year alone as '2005'."""
    return str(window[0]) if window[0] == window[1] else f"{window[0]}–{window[1]}"


# --------------------------------------------------------------------------- building blocks


@dataclass(frozen=True)
class Outcome:
    """One run of a rule: whether the claim's test holds (``None``: undecided) and why."""

    holds: bool | None
    evidence: str


@dataclass(frozen=True)
class Variant:
    """A rule run on one window or data variant."""

    label: str
    outcome: Outcome


def unique_leader(values: pd.Series) -> str | None:
    """The index label of the single largest positive value, or ``None``.

    ``None`` when the series is empty, all zero (or missing), or when two labels tie for the
    top: ``idxmax`` would name the first label and invent a winner.
    """
    values = values.fillna(0)
    if values.empty or not (values > 0).any():
        return None
    top = values.max()
    leaders = values.index[values == top]
    return str(leaders[0]) if len(leaders) == 1 else None


def deliveries_from_tiv(tiv: pd.DataFrame) -> pd.DataFrame:
    """The 2022 SIPRI table as deliveries: recipient, supplier, year, tiv_million."""
    frame = tiv[["recipient", "supplier", "year", "tiv_million"]].copy()
    frame["recipient"] = frame["recipient"].astype(str)
    frame["supplier"] = frame["supplier"].astype(str)
    return frame


def deliveries_from_register(register: pd.DataFrame, drop_deal: object = None) -> pd.DataFrame:
    """The 2026 trade register (Kazakhstan only) as deliveries, without ``drop_deal``.

    Same columns as :func:`deliveries_from_tiv`, so a rule runs on either; the two are never
    concatenated.
    """
    rows = register if drop_deal is None else register[register["sipri_deal_id"] != drop_deal]
    return pd.DataFrame(
        {
            "recipient": rows["recipient"].astype(str),
            "supplier": rows["supplier"].astype(str),
            "year": rows["delivery_year"].astype(int),
            "tiv_million": rows["tiv_delivered_million"].astype(float),
            "deal": rows["sipri_deal_id"],
        }
    )


def largest_deal(register: pd.DataFrame, window: Window, supplier: str | None = None) -> pd.Series | None:
    """The deal with the most TIV delivered in ``window`` (of one supplier), or ``None``."""
    rows = register[register["delivery_year"].between(*window)]
    if supplier is not None:
        rows = rows[rows["supplier"].astype(str) == supplier]
    if rows.empty:
        return None
    by_deal = rows.groupby("sipri_deal_id")["tiv_delivered_million"].sum()
    deal = by_deal.idxmax()
    first = rows[rows["sipri_deal_id"] == deal].iloc[0]
    return pd.Series(
        {"deal": deal, "designation": str(first["designation"]), "supplier": str(first["supplier"]), "tiv": float(by_deal[deal])}
    )


def in_window(deliveries: pd.DataFrame, window: Window) -> pd.DataFrame:
    return deliveries[deliveries["year"].between(*window)]


def _tiv(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


# --------------------------------------------------------------------------- the tests


def us_leads_recipients(deliveries: pd.DataFrame, window: Window) -> Outcome:
    """Kazakhstan received more U.S. major weapons than any other Central Asian state."""
    rows = in_window(deliveries, window)
    us = rows[rows["supplier"] == "United States"].groupby("recipient")["tiv_million"].sum()
    us = us.reindex(list(RECIPIENTS), fill_value=0)
    leader = unique_leader(us)
    listed = ", ".join(f"{name} {_tiv(value)}" for name, value in us.items())
    evidence = f"U.S. TIV {span(window)}: {listed}"
    if leader is None:
        return Outcome(None, evidence + " (no single leader)")
    return Outcome(leader == "Kazakhstan", evidence)


def us_grows_after_2001(deliveries: pd.DataFrame, window: Window) -> Outcome:
    """U.S. deliveries to Kazakhstan after 2001 exceed those of the window's earlier years."""
    rows = in_window(deliveries, window)
    us = rows[(rows["recipient"] == "Kazakhstan") & (rows["supplier"] == "United States")]
    before = float(us.loc[us["year"] <= 2001, "tiv_million"].sum())
    after = float(us.loc[us["year"] >= 2002, "tiv_million"].sum())
    evidence = f"U.S. TIV to Kazakhstan: {_tiv(before)} in {window[0]}–2001, {_tiv(after)} in 2002–{window[1]}"
    if before == after == 0:
        return Outcome(None, evidence)
    return Outcome(after > before, evidence)


def no_supplier_above_half(deliveries: pd.DataFrame, window: Window) -> Outcome:
    """No single supplier delivered more than half of Kazakhstan's imports in the window."""
    rows = in_window(deliveries, window)
    kz = rows[rows["recipient"] == "Kazakhstan"].groupby("supplier")["tiv_million"].sum()
    total = float(kz.sum())
    if total <= 0:
        return Outcome(None, f"no deliveries to Kazakhstan in {span(window)}")
    shares = (100 * kz / total).sort_values(ascending=False)
    top = unique_leader(shares)
    listed = ", ".join(f"{name} {share:.1f} %" for name, share in shares.head(3).items())
    evidence = f"shares of TIV {span(window)}: {listed}"
    if top is None:
        return Outcome(True, evidence)  # a tie at the top: nobody above the rest
    return Outcome(bool(shares[top] <= 50), evidence)


def russia_delivers_when_us_does(deliveries: pd.DataFrame, window: Window) -> Outcome:
    """Russia delivered to Kazakhstan in every year of the window in which the U.S. did."""
    rows = in_window(deliveries, window)
    kz = rows[rows["recipient"] == "Kazakhstan"]
    by_year = kz.pivot_table(index="year", columns="supplier", values="tiv_million", aggfunc="sum", fill_value=0)
    us_years = [int(y) for y in by_year.index if by_year.get("United States", pd.Series()).get(y, 0) > 0]
    if not us_years:
        return Outcome(None, f"no U.S. deliveries in {span(window)}")
    russia = by_year.get("Russia", pd.Series(0, index=by_year.index))
    listed = ", ".join(f"{y}: {_tiv(float(russia.get(y, 0)))}" for y in us_years)
    evidence = f"Russian TIV in the years of U.S. deliveries ({span(window)}): {listed}"
    return Outcome(all(float(russia.get(y, 0)) > 0 for y in us_years), evidence)


def us_left_without_deal(register: pd.DataFrame, window: Window, deal: object) -> Outcome:
    """Kazakhstan still received U.S. major weapons in ``window`` once ``deal`` is set aside.

    The register covers Kazakhstan alone, so it cannot rank recipients and is never joined to
    the 2022 table. It checks one thing: whether Kazakhstan's U.S. volume, which the 2022 table
    ranks first against zeros for every other recipient, is left at all without the deal.
    """
    rows = deliveries_from_register(register, drop_deal=deal)
    rows = in_window(rows, window)
    us = rows[rows["supplier"] == "United States"]
    left = float(us["tiv_million"].sum())
    years = ", ".join(str(y) for y in sorted(set(us["year"]))) or "none"
    evidence = (
        f"U.S. TIV to Kazakhstan left without deal {deal}, {span(window)}: {_tiv(left)} "
        f"(years: {years}); the register has no other recipients to rank"
    )
    return Outcome(left > 0, evidence)


def china_share(deliveries: pd.DataFrame, window: Window) -> Outcome:
    """China's share of Kazakhstan's imports: evidence only, it decides nothing."""
    rows = in_window(deliveries, window)
    kz = rows[rows["recipient"] == "Kazakhstan"]
    total = float(kz["tiv_million"].sum())
    china = float(kz.loc[kz["supplier"] == "China", "tiv_million"].sum())
    share = 100 * china / total if total else 0.0
    return Outcome(None, f"China's share of TIV {span(window)}: {share:.1f} %")


def us_delivered(designation: str | None, category: str | None = None) -> Callable:
    """A test: the register shows a U.S. delivery of ``designation`` (or ``category``)."""

    def test(deliveries: pd.DataFrame, window: Window, register: pd.DataFrame) -> Outcome:
        rows = register[register["delivery_year"].between(*window)]
        if designation is not None:
            match = rows["designation"].astype(str).str.startswith(designation)
            what = designation
        else:
            match = rows["armament_category"].astype(str) == category
            what = category.lower()
        found = rows[match]
        us = found[found["supplier"].astype(str) == "United States"]
        # Other suppliers' deliveries of the kind, over the whole register: what came instead.
        every = (
            register["designation"].astype(str).str.startswith(designation)
            if designation
            else (register["armament_category"].astype(str) == category)
        )
        others = register[every & (register["supplier"].astype(str) != "United States")].sort_values("delivery_year")
        listed = "; ".join(
            f"{s} {d} ({n}, {y})"
            for s, d, n, y in zip(others["supplier"], others["designation"], others["number_delivered"], others["delivery_year"])
        )
        evidence = f"U.S. {what} delivered {span(window)}: {int(us['number_delivered'].sum())}"
        if listed:
            first, last = int(register["delivery_year"].min()), int(register["delivery_year"].max())
            evidence += f"; from other suppliers, {first}–{last}: {listed}"
        return Outcome(not us.empty, evidence)

    test.needs_register = True  # type: ignore[attr-defined]
    return test


# Security Assistance Monitor figures are bounds ("less than", "over") or approximations.
def aid_bounds(row: pd.Series) -> tuple[float, float]:
    """(lowest, highest) value a headline figure allows, from its qualifier."""
    value = float(row["amount_usd_million"])
    qualifier = "" if pd.isna(row.get("qualifier")) else str(row["qualifier"])
    if "upper bound" in qualifier:
        return (0.0, value)
    if "lower bound" in qualifier:
        return (value, math.inf)
    return (value, value)


def _aid_rows(headlines: pd.DataFrame, period: str) -> pd.DataFrame:
    rows = headlines[(headlines["category"] == AID_CATEGORY) & (headlines["period"] == period)]
    return rows.set_index(rows["recipient"].astype(str))


def kazakhstan_leads_aid(headlines: pd.DataFrame, period: str) -> Outcome:
    """Kazakhstan received more U.S. military and police aid than every state the source names."""
    rows = _aid_rows(headlines, period)

    def bound_word(row: pd.Series) -> str:
        low, high = aid_bounds(row)
        if low == 0.0 and high < math.inf:
            return " (at most)"
        if high == math.inf:
            return " (at least)"
        return " (about)" if "approximate" in str(row["qualifier"]) else ""

    listed = ", ".join(f"{name} {row['amount_usd_million']:.0f}{bound_word(row)}" for name, row in rows.iterrows())
    evidence = f"U.S. military and police aid {period.replace('-', '–')}, US$ million: {listed}"
    if "Kazakhstan" not in rows.index or len(rows) < 2:
        return Outcome(None, evidence)
    low, high = aid_bounds(rows.loc["Kazakhstan"])
    others = [aid_bounds(row) for name, row in rows.iterrows() if name != "Kazakhstan"]
    if all(low > other_high for _, other_high in others):
        return Outcome(True, evidence)
    if any(other_low > high for other_low, _ in others):
        return Outcome(False, evidence)
    return Outcome(None, evidence + " (the bounds overlap)")


def kazakhstan_aid_grows(headlines: pd.DataFrame) -> Outcome:
    """Kazakhstan's U.S. military and police aid was larger in 2006–2010 than in 2001–2005."""
    early, late = (_aid_rows(headlines, period) for period in AID_BINS)
    if "Kazakhstan" not in early.index or "Kazakhstan" not in late.index:
        return Outcome(None, "no Security Assistance Monitor figure for both periods")
    (_, early_high), (late_low, _) = aid_bounds(early.loc["Kazakhstan"]), aid_bounds(late.loc["Kazakhstan"])
    evidence = (
        f"U.S. military and police aid to Kazakhstan: under US$ {early_high:.0f} million in "
        f"2001–2005, about US$ {late_low:.0f} million in 2006–2010"
    )
    return Outcome(late_low > early_high, evidence)


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class Rule:
    """One claim tested one way: the declaration a reader can argue with.

    ``kind`` says how the rule runs: ``"arms"`` on the 2022 SIPRI table in each window
    (plus the register with and without its largest deal when ``register_variant``),
    ``"register"`` on the trade register in each window, ``"aid_compare"`` and
    ``"aid_growth"`` on the Security Assistance Monitor figures, ``"scope"`` not at all
    (``scope_status`` says why). A rule that compares recipients cannot run on the register
    (Kazakhstan only); its ``without_deal_test`` runs on the register without the largest deal
    of ``largest_of`` instead, to state how much the verdict rests on that deal.
    ``fail_status`` is the short status when the test fails everywhere: "inconsistent" only
    where the data measure what the claim says.
    """

    id: str
    table: str
    row_id: str
    measure: str
    source: str
    windows: tuple[Window, ...]
    threshold: str
    reason: str
    kind: str
    test: Callable | None = None
    register_variant: bool = False
    largest_of: str | None = None
    without_deal_test: Callable | None = None
    fail_status: str = "inconsistent"
    disputed_flag: str | None = None
    scope_status: str | None = None
    agree: str = "consistent"
    disagree: str = "inconsistent"
    note: str = ""
    tail: str = ""
    context: tuple[str, ...] = field(default_factory=tuple)
    #: Other rows the note names, as ``<table>:<id>`` (a flag the rule must not defer to, say).
    note_rows: tuple[str, ...] = field(default_factory=tuple)

    @property
    def rows_drawn_on(self) -> str:
        """The rows besides the claim's own that the rule's note and verdict draw on, as
        space-separated ``<table>:<id>`` references (``glue_table``'s ``"row"`` links): its
        context rows, the open flag it defers to and any other row its note names. Empty when
        there are none."""
        refs = [f"context:{row}" for row in self.context]
        if self.disputed_flag:
            refs.append(f"flags:{self.disputed_flag}")
        return " ".join(dict.fromkeys([*refs, *self.note_rows]))


SIPRI_2022 = "SIPRI deliveries (2022 table)"
REGISTER = "SIPRI trade register (2026)"
SAM = "Security Assistance Monitor aid figures"

RULES: tuple[Rule, ...] = (
    Rule(
        "leading-role-arms",
        "arguments",
        "arg-kz-leading-role",
        "U.S. major-weapon deliveries (TIV) to each Central Asian state",
        SIPRI_2022,
        WINDOWS,
        "Kazakhstan is the single largest recipient of U.S. deliveries",
        "'a leading role' compared with the other Central Asian states is read as ranking first, "
        "so the test is a ranking; an all-zero series or a tie names no leader. A comparison of recipients needs "
        "the 2022 table (the register covers Kazakhstan only), so the ranking runs in the two windows "
        "only; the register alone says only whether any U.S. volume is left without deal 35392.",
        "arms",
        us_leads_recipients,
        largest_of="United States",
        without_deal_test=us_left_without_deal,
        note="All U.S. volume to Kazakhstan in these windows is Huey II helicopters, whose dating is "
        "flagged. Without deal 35392 (the six Huey IIs the register dates "
        "to 2004) what remains is the two of deal 40033, delivered in 2007, the year the article "
        "was written.",
        # The flag concerns the helicopters' dates, not the ranking, so the verdict does not
        # defer to it (no disputed_flag); the note names it.
        note_rows=("flags:flag-huey-deliveries",),
    ),
    Rule(
        "leading-role-aid",
        "arguments",
        "arg-kz-leading-role",
        "U.S. military and police aid to the states the source names",
        SAM,
        (),
        "Kazakhstan's figure exceeds every other named state's, bounds included",
        "the source's five-year sums (2001–2005, 2006–2010) are the only figures that compare "
        "recipients; 'less than' and 'over' are read as bounds, so a verdict is given only where "
        "the bounds do not overlap. Only 2001–2005 lies wholly before the article.",
        "aid_compare",
        kazakhstan_leads_aid,
        context=("ctx-22-4", "ctx-22-1"),
    ),
    Rule(
        "stimulus-arms",
        "arguments",
        "arg-war-on-terror-stimulus",
        "U.S. deliveries to Kazakhstan before and after 2001",
        SIPRI_2022,
        (ARTICLES,),
        "more U.S. TIV in 2002–2007 than in 1995–2001",
        "a stimulus after 2001 should show as more deliveries after it than before; the claim "
        "names no size, so any increase counts. A before-and-after rule needs years before 2002, "
        "so the 2002–2007 window alone cannot run it; the variants are the register with and "
        "without its largest U.S. deal.",
        "arms",
        us_grows_after_2001,
        register_variant=True,
        largest_of="United States",
        note="The zero before 2002 is SIPRI's, not the relationship's: cooperation before it, "
        "the 1993 agreement on destroying the nuclear arsenal, CENTRAZBAT 1997 and FMF and IMET "
        "for FY1998, is outside what SIPRI counts. Every U.S. delivery after 2001 is a Huey II, "
        "whose dates are flagged; the accounts in the data that date them put them after 2001.",
        context=("ctx-06-1", "ctx-06-2", "ctx-04-3", "ctx-14-7"),
        note_rows=("flags:flag-huey-deliveries",),
    ),
    Rule(
        "balance-arms",
        "arguments",
        "arg-kz-balance",
        "suppliers' shares of Kazakhstan's major-weapon imports (TIV)",
        SIPRI_2022,
        WINDOWS,
        "none: a motive is not a delivery; shown as evidence: whether any supplier delivers more than half",
        "above half, one supplier outweighs all others together, the plainest sense of one power "
        "growing 'excessively' strong in this measure; the claim names no figure, and Russia's "
        "share is far above half in every window, so any threshold up to its lowest share gives "
        "the same answer. But the claim states a motive about the balance of forces in the "
        "region, and Kazakhstan's own import shares measure neither the motive nor that balance: "
        "the shares are shown as evidence and decide nothing, as for the EDM's claim of ties "
        "with Russia and China (edm-ties-scope).",
        "scope",
        no_supplier_above_half,
        register_variant=True,
        largest_of=None,
        scope_status="outside the data's scope",
    ),
    Rule(
        "tazhin-arms",
        "arguments",
        "arg-tazhin-no-exclusion",
        "Russian deliveries in the years of U.S. deliveries to Kazakhstan",
        SIPRI_2022,
        WINDOWS,
        "Russia delivers in every year in which the U.S. delivers",
        "Tazhin speaks of military-technical cooperation with U.S. special services, which SIPRI "
        "does not see; the test takes U.S. major-weapon deliveries as the visible part of U.S. "
        "cooperation and asks only whether Russia's went on beside them: 'does not eliminate our "
        "cooperation with Russia' fails if a year of U.S. deliveries has none from Russia.",
        "arms",
        russia_delivers_when_us_does,
        register_variant=True,
        largest_of="United States",
        tail="; that Kazakhstan is 'a reliable strategic partner' of all three powers is not measured",
    ),
    Rule(
        "edm-ties-scope",
        "arguments",
        "arg-edm-ties-russia-china",
        "China's share of Kazakhstan's major-weapon imports",
        SIPRI_2022,
        WINDOWS,
        "none: efforts to cement ties are not deliveries",
        "arms deliveries measure one channel of ties; SIPRI records none from China in the "
        "articles' period, which says nothing about diplomatic or other efforts.",
        "scope",
        china_share,
        scope_status="outside the data's scope",
    ),
    Rule(
        "edm-assistance-aid",
        "arguments",
        "arg-edm-maximising-assistance",
        "U.S. military and police aid to Kazakhstan, 2001–2005 against 2006–2010",
        SAM,
        (),
        "none: no aid period ends before the item; shown as evidence: whether the later five-year "
        "sum exceeds the earlier one, bounds included",
        "'maximizing foreign security assistance' describes what Kazakhstan sought in December "
        "2004, not a rise, and 'little by way of genuine reform' is measured by no series here. "
        "Neither five-year bin ends before the item, so the data cannot show what its author saw; "
        "the later rise also coincides with Uzbekistan's fall after 2005. The sum is shown as "
        "evidence and decides nothing.",
        "aid_growth",
        context=("ctx-14-1", "ctx-14-2", "ctx-14-3"),
        scope_status="cannot be decided",
    ),
    Rule(
        "huey-register",
        "equipment",
        "eq-huey-ii-planned",
        "U.S. Huey II deliveries in the trade register",
        REGISTER,
        ((1995, 2006),),
        "none delivered before 2007, when the article still writes of a plan",
        "the article's future tense ('is going to deliver') is contradicted by any earlier delivery.",
        "register",
        us_delivered("UH-1H Huey-2"),
        disputed_flag="flag-huey-deliveries",
        context=("ctx-23-1", "ctx-23-4", "ctx-23-5"),
        note="The register's count is one side of the dispute. AFP reported in February 2004 that UH-1 "
        "Huey helicopters had been supplied, which sides with the register if those "
        "were the Huey IIs; the bmpd blog dates an agreement on six helicopters to 2002; a "
        "Flightglobal blog reading a 2010 cable says only two of eight planned were funded "
        "(the three context rows this rule draws on). The flag stays open.",
    ),
    Rule(
        "hummer-scope",
        "equipment",
        "eq-hummer-2005-07-01",
        "U.S. HMMWV deliveries in the trade register",
        REGISTER,
        ((2005, 2005),),
        "none: SIPRI counts only the armoured variant",
        "the 27 vehicles of 2005 are not said to be armoured, and unarmoured vehicles are outside "
        "SIPRI's scope, so their absence from the register is no evidence either way.",
        "scope",
        us_delivered("HMMWV"),
        scope_status="outside the data's scope",
    ),
    Rule(
        "c130-register",
        "equipment",
        "eq-c-130-planned",
        "U.S. C-130 deliveries in the trade register",
        REGISTER,
        ((2003, 2010), (2003, 2024)),
        "at least one U.S. C-130 delivered",
        "the article puts the aircraft in the five-year plan, so any "
        "delivery from 2003 counts, up to 2010 and up to the register's last year, 2024.",
        "register",
        us_delivered("C-130"),
        disagree="plan not carried out in the register: no U.S. C-130 delivered in",
        fail_status="plan not carried out in the register",
        note="The register shows what became of the plan, not whether the article reported the plan's contents correctly.",
    ),
    Rule(
        "warship-register",
        "equipment",
        "eq-warship-planned",
        "U.S. ship deliveries in the trade register",
        REGISTER,
        ((2003, 2010), (2003, 2024)),
        "at least one U.S. ship delivered",
        "the article puts the warship in the five-year plan, so any "
        "U.S. ship from 2003 counts. SIPRI covers only major conventional weapons, so a vessel "
        "below its threshold would be missing from the register whatever was delivered.",
        "register",
        us_delivered(None, "Ships"),
        disagree="plan not carried out in the register: no U.S. ship delivered in",
        fail_status="plan not carried out in the register",
        note="The register shows what became of the plan, not whether the article reported the plan's "
        "contents correctly. U.S. naval help that is not a ship delivery is outside it: the Caspian "
        "Guard initiative, a $130 million DoD effort for Caspian security reported in 2005, and "
        "$5 million reported for Kazakhstan's navy in 2004.",
        context=("ctx-07-1", "ctx-07-2", "ctx-14-6"),
    ),
    Rule(
        "imet-scope",
        "claims",
        "claim-imet-trained",
        "none: no outside series counts training",
        "none",
        (),
        "none",
        "SIPRI counts transfers of weapons, not training, and no series of IMET participants was available.",
        "scope",
        scope_status="cannot be decided",
        note="The EDM reported in September 2007 that 110 of 250 Kazakh officers educated in the "
        "United States had left the military: a count of the same order as Nurgaliev's, from "
        "the newsletter of the other article, so not an independent check.",
        context=("ctx-15-1",),
    ),
)


# --------------------------------------------------------------------------- verdicts


@dataclass(frozen=True)
class Verdict:
    """A rule's result: its variants, a short status and the wording the reader sees."""

    rule: Rule
    variants: tuple[Variant, ...]
    status: str
    wording: str
    why: str

    @property
    def evidence(self) -> str:
        # A variant's evidence that already names its window is not prefixed with it again.
        return "; ".join(v.outcome.evidence if v.label in v.outcome.evidence else f"{v.label}: {v.outcome.evidence}" for v in self.variants)


def open_flag(flags: pd.DataFrame, flag_id: str | None) -> pd.Series | None:
    """The flag ``flag_id`` if it is still open (not an accepted correction)."""
    if flag_id is None:
        return None
    rows = flags[flags["id"].astype(str) == flag_id]
    if rows.empty or str(rows.iloc[0]["status"]) not in OPEN_FLAG_STATUSES:
        return None
    return rows.iloc[0]


def run_variants(rule: Rule, data: SimpleNamespace) -> tuple[Variant, ...]:
    """Run ``rule`` on each of its windows and data variants."""
    if rule.kind == "scope" and rule.test is None:
        return ()
    if rule.kind == "aid_compare":
        return tuple(Variant(period.replace("-", "–"), kazakhstan_leads_aid(data.us_aid_headlines, period)) for period in AID_BINS)
    if rule.kind == "aid_growth":
        return (Variant("2001–2005 against 2006–2010", kazakhstan_aid_grows(data.us_aid_headlines)),)
    register = data.sipri_register
    if rule.kind == "register" or getattr(rule.test, "needs_register", False):
        return tuple(Variant(span(w), rule.test(None, w, register)) for w in rule.windows)
    variants = [Variant(span(w), rule.test(deliveries_from_tiv(data.sipri_tiv), w)) for w in rule.windows]
    if rule.without_deal_test is not None:
        for w in rule.windows:
            deal = largest_deal(register, w, rule.largest_of)
            if deal is not None:
                label = (
                    f"register {span(w)} without deal {deal['deal']} ({deal['supplier']} {deal['designation']}, {_tiv(deal['tiv'])} TIV)"
                )
                variants.append(Variant(label, rule.without_deal_test(register, w, deal["deal"])))
    if rule.register_variant:
        for w in rule.windows:
            variants.append(Variant(f"register {span(w)}", rule.test(deliveries_from_register(register), w)))
            deal = largest_deal(register, w, rule.largest_of)
            if deal is not None:
                label = (
                    f"register {span(w)} without deal {deal['deal']} ({deal['supplier']} {deal['designation']}, {_tiv(deal['tiv'])} TIV)"
                )
                rows = deliveries_from_register(register, drop_deal=deal["deal"])
                variants.append(Variant(label, rule.test(rows, w)))
    return tuple(variants)


def decide(rule: Rule, variants: tuple[Variant, ...], flags: pd.DataFrame) -> Verdict:
    """One verdict from a rule's variants, respecting open flags."""
    flag = open_flag(flags, rule.disputed_flag)
    if flag is not None:
        return Verdict(
            rule,
            variants,
            "sources disagree",
            "sources disagree",
            f"the item carries the open flag {flag['id']}: outside sources conflict, and the book chooses neither",
        )
    if rule.kind == "scope" or rule.scope_status:
        return Verdict(
            rule, variants, rule.scope_status or "outside the data's scope", rule.scope_status or "outside the data's scope", rule.reason
        )
    decided = [v for v in variants if v.outcome.holds is not None]
    if not decided:
        return Verdict(
            rule,
            variants,
            "cannot be decided",
            "cannot be decided from the data",
            "no variant gives a result (no data, an all-zero series or a tie)",
        )
    holding = [v for v in decided if v.outcome.holds]
    failing = [v for v in decided if not v.outcome.holds]
    if holding and failing:
        first = decided[0]
        flipped = [v for v in decided if v.outcome.holds != first.outcome.holds]
        if all("without deal" in v.label for v in flipped):
            what = "the largest deal"
        elif all(v.label.startswith("register") for v in flipped):
            what = "the SIPRI vintage"
        else:
            what = "the window"
        why = "holds in " + ", ".join(v.label for v in holding) + "; not in " + ", ".join(v.label for v in failing) + ". " + rule.reason
        wording = f"depends on {what}: holds in " + ", ".join(v.label for v in holding) + ", not in " + ", ".join(v.label for v in failing)
        return Verdict(rule, variants, "depends", wording, why)
    undecided = [v for v in variants if v.outcome.holds is None]
    suffix = f" (undecided in {', '.join(v.label for v in undecided)})" if undecided else ""
    main = " and ".join(v.label for v in decided if not v.label.startswith("register "))
    on_register = [v for v in decided if v.label.startswith("register ")]
    if on_register and all("without deal" in v.label for v in on_register):
        main += "; also in the trade register without its largest deal"
    elif on_register:
        main += "; also in the trade register with and without its largest deal"
    if holding:
        status = "consistent in part" if rule.agree == "consistent in part" else "consistent"
        wording = f"{rule.agree} with {rule.source} {main}" if rule.agree.startswith("consistent") else f"{rule.agree} {main}"
    else:
        status = rule.fail_status
        wording = f"{rule.disagree} {main}" if rule.disagree != "inconsistent" else f"inconsistent with {rule.source} {main}"
    return Verdict(rule, variants, status, wording + rule.tail + suffix, rule.threshold + ": " + rule.reason)


def run_rules(data: SimpleNamespace, rules: tuple[Rule, ...] = RULES) -> list[Verdict]:
    """Every rule's verdict, in the order of ``rules``."""
    return [decide(rule, run_variants(rule, data), data.flags) for rule in rules]


def claim_text(data: SimpleNamespace, table: str, row_id: str) -> str:
    """The claim as coded in its data row, in words."""
    row = getattr(data, table).set_index("id").loc[row_id]
    if table == "arguments":
        return str(row["statement"])
    if table == "equipment":
        return f"{row['item_as_stated']} ({row['status']})"
    qualifier = "" if pd.isna(row["qualifier"]) else f"{row['qualifier']} "
    return f"{row['counts']}: {qualifier}{row['value']:,.0f} {row['unit']}"


def verdict_table(data: SimpleNamespace, verdicts: list[Verdict] | None = None) -> pd.DataFrame:
    """One row per verdict: ids, claim, source, rule, evidence and verdict (plain text).

    The ``row`` and ``source`` columns hold ids and bibliography keys, which
    :func:`companion.tables.markdown_table` can render as links on purpose.
    """
    verdicts = run_rules(data) if verdicts is None else verdicts
    rows = []
    for v in verdicts:
        rule = v.rule
        source = str(getattr(data, rule.table).set_index("id").loc[rule.row_id, "source"])
        rows.append(
            {
                "verdict_id": rule.id,
                "table": rule.table,
                "row": rule.row_id,
                "claim": claim_text(data, rule.table, rule.row_id),
                "source": source,
                "measure": f"{rule.measure} ({rule.source})",
                "windows": "; ".join(x.label for x in v.variants),
                "threshold": rule.threshold,
                "reason": rule.reason,
                "evidence": v.evidence,
                "status": v.status,
                "verdict": v.wording,
                "why": v.why,
                "note": rule.note,
                "context": " ".join(rule.context),
                "drawn_on": rule.rows_drawn_on,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- publication

#: Columns of the published verdicts table, with their descriptions (the table's schema).
PUBLISHED_FIELDS = {
    "verdict_id": "Identifier of the rule (companion.verdicts.RULES).",
    "table": "Data table of the claim's row.",
    "row": "Identifier of the claim's row in that table.",
    "claim": "The claim as coded in its row.",
    "source": "references.bib key of the article the claim comes from.",
    "measure": "The outside measure and its dataset.",
    "windows": "The windows and variants the rule ran on.",
    "threshold": "What the measure must show for the claim to hold.",
    "reason": "Why that threshold and those windows.",
    "evidence": "What each variant found.",
    "status": "Short status: " + ", ".join(STATUSES) + ".",
    "verdict": "The verdict's wording: a finding about the data, not a rating of a person.",
    "why": "Why the verdict reads as it does (open flag, flipping variant, threshold).",
    "note": "Caveat of the rule, if any.",
    "context": "Context rows (ctx-NN-k) the rule's evidence draws on, space-separated.",
}


#: Resources whose figures the published evidence quotes: their terms travel with the table.
EVIDENCE_RESOURCES = ("sipri_tiv", "sipri_register", "us_aid_headlines")


def _licences(data: SimpleNamespace) -> list[dict]:
    """CC BY for the rules and wording, plus the terms of every resource the evidence quotes."""
    licences = [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0 (the rules, wording and verdicts)",
        }
    ]
    for resource in data.descriptor["resources"]:
        if resource["name"] in EVIDENCE_RESOURCES:
            for licence in resource.get("licenses", []):
                if licence not in licences:
                    licences.append(licence)
    return licences


@dataclass(frozen=True)
class DerivedTable:
    """A table computed from the data package and published with it in the downloads."""

    path: str
    content: bytes
    resource: dict


def derived_table(data: SimpleNamespace) -> DerivedTable:
    """The verdicts as a CSV and its data-package resource (inline schema, description)."""
    table = verdict_table(data)[list(PUBLISHED_FIELDS)]
    content = table.to_csv(index=False, lineterminator="\n").encode("utf-8")
    resource = {
        "name": "verdicts",
        "path": "derived/verdicts.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": "Verdicts: claims of the articles tested against outside data (derived)",
        "description": (
            "Derived table, not coded data: computed at build time by companion.verdicts from the "
            "package's own tables (sipri_tiv, sipri_register, us_aid_headlines, flags and the "
            "article rows). One row per declared rule: the claim's row, the outside measure, the "
            "windows, the threshold and its reason, the evidence and the verdict. Verdicts are "
            "findings about the data, never ratings of a person; an item with an open flag whose "
            "sources disagree reads 'sources disagree'."
        ),
        "licenses": _licences(data),
        "schema": {
            "fields": [{"name": name, "type": "string", "description": text} for name, text in PUBLISHED_FIELDS.items()],
            "primaryKey": ["verdict_id"],
        },
    }
    return DerivedTable(resource["path"], content, resource)
