"""Computations of the chapter on outside evidence (SIPRI, U.S. aid), as named functions.

Each function takes the loaded tables and returns the frame the chapter glues, so the
chapter's folded cells stay short and a reader can follow each call to the rule it applies.
The matching of the articles' equipment to SIPRI designations is a judgement; it is made
here in the open, in ``SIPRI_NAME``, ``SIPRI_CATEGORY`` and ``SIPRI_SCOPE``.
"""

from __future__ import annotations

import pandas as pd

#: The main suppliers whose shares the comparison of recipients shows.
MAIN_SUPPLIERS = ("Russia", "United States", "China")


def supplier_totals(tiv: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """TIV millions delivered per supplier (rows) and recipient (columns), ``first``–``last``."""
    window = tiv[tiv["year"].between(first, last)].assign(recipient=lambda df: df["recipient"].astype(str))
    return window.pivot_table(index="supplier", columns="recipient", values="tiv_million", aggfunc="sum", fill_value=0)


def recipient_profile(totals: pd.DataFrame, label: str) -> pd.DataFrame:
    """Total volume and the main suppliers' shares (%), one row per recipient.

    ``totals`` is a result of ``supplier_totals``; ``label`` (a period such as
    "1995–2007") goes into the column names.
    """
    shares = 100 * totals / totals.sum()
    frame = pd.DataFrame({f"TIV {label} (millions)": totals.sum()})
    for supplier in MAIN_SUPPLIERS:
        frame[f"{supplier} {label} (%)"] = shares.loc[supplier] if supplier in shares.index else 0.0
    return frame


#: House name in ``equipment`` -> SIPRI designation (the prefix of the register's name).
SIPRI_NAME = {
    "Bell Huey II helicopter": "UH-1H Huey-2",
    "AM General HMMWV vehicle": "HMMWV-UA",
    "C-130 military transport aircraft": "C-130",
}
#: House name -> SIPRI category, for items the register names by category only.
SIPRI_CATEGORY = {"Warship (displacement up to 1,000 t)": "Ships"}
#: What SIPRI counts of each item.
SIPRI_SCOPE = {
    "Bell Huey II helicopter": "counted (helicopters)",
    "AM General HMMWV vehicle": "armoured variant only; unarmoured vehicles are outside",
    "C-130 military transport aircraft": "counted (transport aircraft)",
    "Warship (displacement up to 1,000 t)": "counted (ships)",
}


def register_rows(us_register: pd.DataFrame, item: str) -> pd.DataFrame:
    """The U.S. deal rows of the SIPRI register for one item of ``equipment``."""
    if item in SIPRI_NAME:
        return us_register[us_register["designation"].str.startswith(SIPRI_NAME[item])]
    return us_register[us_register["armament_category"] == SIPRI_CATEGORY.get(item, "")]


def deliveries(rows: pd.DataFrame) -> str:
    """'year: items' for each delivery row, oldest first ("" when there is none)."""
    rows = rows.sort_values("delivery_year")
    return "; ".join(f"{year}: {n}" for year, n in zip(rows["delivery_year"], rows["number_delivered"]))


def _in_article(row: pd.Series) -> str:
    """What the article says of an item: its status, date and quantity, as far as given."""
    text = str(row["status"])
    if pd.notna(row["date"]):
        text += f", {row['date']}"
    if pd.notna(row["quantity"]):
        n = int(row["quantity"])
        text += f", {n} item" + ("s" if n > 1 else "")
    return text


def match_equipment(equipment: pd.DataFrame, programmes: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """The articles' U.S. equipment (and IMET) beside the U.S. deals of the SIPRI register.

    A delivery with a date is looked up in its own year only, a plan in every year of the
    register; a service is not a transfer and is not looked up. IMET is added as the one
    training programme, which SIPRI does not count. One row per item, readable columns.
    """
    us_register = register[register["supplier"] == "United States"]
    first, last = int(register["delivery_year"].min()), int(register["delivery_year"].max())
    matched = []
    for _, row in equipment.iterrows():
        status, rows = str(row["status"]), register_rows(us_register, row["item"])
        scope = SIPRI_SCOPE.get(row["item"], "")
        if status == "service":
            rows, found = rows.iloc[0:0], "not applicable"
            scope = "outside (maintenance is not a transfer)"
        elif pd.notna(row["date"]):  # a delivery: look in its own year only
            year = int(str(row["date"])[:4])
            rows = rows[rows["delivery_year"] == year]
            found = deliveries(rows) or f"none in {year}"
        else:  # a plan: every delivery in the register
            found = deliveries(rows) or f"none, {first}–{last}"
        matched.append(
            {
                "article's words": row["item_as_stated"],
                "in the article": _in_article(row),
                "SIPRI designation": ", ".join(sorted(set(rows["designation"]))),
                "SIPRI deliveries (year: items)": found,
                "TIV delivered (millions)": float(rows["tiv_delivered_million"].sum()),
                "in SIPRI's scope?": scope,
            }
        )
    imet = programmes.set_index("id").loc["imet"]
    matched.append(
        {
            "article's words": f"{imet['name']} ({imet['acronym']})",
            "in the article": "training programme",
            "SIPRI designation": "",
            "SIPRI deliveries (year: items)": "not applicable",
            "TIV delivered (millions)": 0.0,
            "in SIPRI's scope?": "outside (training is not a transfer)",
        }
    )
    return pd.DataFrame(matched)


def security_headlines(headlines: pd.DataFrame, recipient: str = "Kazakhstan") -> pd.DataFrame:
    """The security-related headline figures for one recipient, with their document's total.

    A row is security-related when its category names security, peace or military; the
    share is of the total printed in the same document (missing where it prints none).
    The publisher loses its bracketed detail; the columns get readable names.
    """
    heads = headlines[headlines["recipient"] == recipient]
    security = heads[heads["category"].str.contains("Security|Peace|Military")]
    totals = heads.loc[heads["category"].str.startswith("Total"), ["document", "amount_usd_million"]]
    security = security.merge(totals, on="document", how="left", suffixes=("", "_total"))
    security["share of total (%)"] = 100 * security["amount_usd_million"] / security["amount_usd_million_total"]
    security["publisher"] = security["publisher"].str.replace(r" \(.*", "", regex=True)
    return security.rename(
        columns={
            "amount_usd_million": "US$ million (current)",
            "amount_usd_million_total": "document's total (US$ million)",
        }
    )[["period", "category", "US$ million (current)", "qualifier", "document's total (US$ million)", "share of total (%)", "publisher"]]
