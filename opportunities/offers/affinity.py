"""Which products loyal customers own together: support, confidence and lift of "owns A →
owns B", from a sparse account × product ownership matrix (one matrix product, not apriori).

With N accounts, n(A) owners of A and n(A∧B) owners of both:
support = n(A∧B) / N, confidence = n(A∧B) / n(A), lift = confidence / (n(B) / N).

It is learnt once a night from every loyal account, before the offers step's chunks, and
handed to them through the run's ledger (OfferRun.affinity) as plain rows: JSON keeps a
float's shortest repr, which reads back as the same float, so every chunk ranks with the very
figures learnt.
"""

import numpy as np
import pandas as pd
from scipy import sparse

COLUMNS = ["anchor_id", "product_id", "support", "confidence", "lift"]


def affinity_frame(rows: list[list]) -> pd.DataFrame:
    """The rules as product_affinity gives them, from their rows (affinity_rows)."""
    rules = pd.DataFrame(rows, columns=COLUMNS)
    types = {"anchor_id": "int64", "product_id": "int64"}
    return rules.astype({name: types.get(name, "float64") for name in COLUMNS})


def affinity_rows(rules: pd.DataFrame) -> list[list]:
    """The rules as rows of plain numbers, for the run's JSON."""
    return [list(row) for row in zip(*(rules[name].tolist() for name in COLUMNS), strict=True)]


def product_affinity(ownership: pd.DataFrame) -> pd.DataFrame:
    """Rules A → B (A ≠ B, seen together at least once) from (account_id, product_id) rows.

    Columns: anchor_id (A), product_id (B), support, confidence, lift.
    """
    empty = affinity_frame([])
    pairs = ownership[["account_id", "product_id"]].drop_duplicates()
    if pairs.empty:
        return empty
    accounts, account_index = np.unique(pairs["account_id"].to_numpy(), return_inverse=True)
    products, product_index = np.unique(pairs["product_id"].to_numpy(), return_inverse=True)
    owns = sparse.csr_matrix(
        (np.ones(len(pairs), dtype=np.int32), (account_index, product_index)),
        shape=(len(accounts), len(products)),
    )
    together = (owns.T @ owns).tocoo()  # products × products: accounts owning both
    owners = np.asarray(owns.sum(axis=0)).ravel()
    total = len(accounts)
    rules = pd.DataFrame(
        {"a": together.row, "b": together.col, "both": together.data.astype(float)}
    )
    rules = rules[rules["a"] != rules["b"]]
    if rules.empty:
        return empty
    confidence = rules["both"] / owners[rules["a"]]
    return pd.DataFrame(
        {
            "anchor_id": products[rules["a"]],
            "product_id": products[rules["b"]],
            "support": rules["both"] / total,
            "confidence": confidence,
            "lift": confidence / (owners[rules["b"]] / total),
        }
    ).reset_index(drop=True)
