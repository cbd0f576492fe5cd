from django.core.management.base import BaseCommand, CommandError

from accounts.models import ScoringRun
from accounts.scoring.backtest import score_backtest
from accounts.scoring.run import scoring_run_execute

from .score_accounts import iso_date


class Command(BaseCommand):
    help = (
        "Backtest the loyalty score: ROC AUC and top-decile lift of the score at --as-of for "
        "'bought again, expanded or renewed' within the following --horizon-days. Scores the "
        "day first when it has not been scored."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=iso_date, required=True)
        parser.add_argument("--horizon-days", type=int, default=90)

    def handle(self, *, as_of, horizon_days, **options):
        if horizon_days < 1:
            raise CommandError("--horizon-days must be at least 1")
        if not ScoringRun.objects.filter(as_of=as_of, status=ScoringRun.Status.DONE).exists():
            scoring_run_execute(as_of=as_of)
        result = score_backtest(as_of=as_of, horizon_days=horizon_days)

        def shown(value, digits=3):
            return "n/a" if value is None else f"{value:.{digits}f}"

        self.stdout.write(
            f"as of {result.as_of}, horizon {result.horizon_days} days: "
            f"{result.accounts} accounts, {result.positives} bought again, expanded or renewed\n"
            f"ROC AUC: {shown(result.auc)}\n"
            f"top-decile lift: {shown(result.top_decile_lift, 2)} "
            f"(rate {shown(result.top_decile_rate)} vs base {shown(result.base_rate)})"
        )
