"""The permission matrix's checks can fail (tests/permission_matrix.py): a wrong status, a row
leaking into a list, a refused write that changed something and an allowed one that did
nothing are each reported; every check is rolled back."""

import dataclasses

from opportunities.models import Opportunity, Stage
from tests.permission_matrix import Expect, Page, Write, check, pk, stored, text

LIST = Expect(302, 200, 200, 200, 200, 200, 200)
ACCOUNT_DONE = Expect(302, 404, 302, 302, 302, 404, 302)


def test_a_wrong_status_is_reported(world):
    page = Page("accounts:detail", LIST, args=pk("account"))

    assert check(world, "owning_rep", [page]) == []
    (problem,) = check(world, "other_team_rep", [page])
    assert "404, expected 200" in problem


def test_a_row_found_by_someone_not_shown_it_is_a_leak(world):
    page = Page(
        "accounts:list",
        LIST,
        shows=text(lambda w: w.rows["account"].name),
        shown_to=frozenset({"owning_rep"}),
    )

    (problem,) = check(world, "team_manager", [page])
    assert "leaks the row" in problem
    elsewhere = dataclasses.replace(page, shows=text(lambda w: "どこにもない社名"))
    (problem,) = check(world, "owning_rep", [elsewhere])
    assert "misses the row" in problem


def test_a_write_is_done_exactly_by_those_allowed_and_rolled_back(world):
    move = Write(
        "opportunities:stage",
        ACCOUNT_DONE,
        frozenset(),
        stored("opportunity", "stage"),
        data=lambda w, user: {"stage": Stage.PROPOSAL},
        args=pk("opportunity"),
    )

    (problem,) = check(world, "owning_rep", [move])
    assert "changed what it may not" in problem
    assert Opportunity.objects.get(pk=world.rows["opportunity"].pk).stage == Stage.PROSPECTING
    no_move = dataclasses.replace(
        move,
        done_by=frozenset({"owning_rep"}),
        data=lambda w, user: {"stage": Stage.PROSPECTING},
    )
    (problem,) = check(world, "owning_rep", [no_move])
    assert "was not done" in problem
