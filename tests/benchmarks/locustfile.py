"""The reps' daily loop for the load test (`make loadtest`; tests/benchmarks/loadtest.py).

Each simulated user logs in through the login form as one of the demo reps, then loops:
dashboard → account list (one of its first pages) → an account from that page → the pipeline
board → back to the dashboard, and one time in three snoozes the first offer card there (the
htmx form's POST, with its CSRF header). A rep reads for a moment between pages. No request
leaves 127.0.0.1 (the host is given by loadtest.py).
"""

import datetime
import itertools
import random
import re

from locust import HttpUser, between, task

REPS = itertools.cycle(f"rep{n}@example.com" for n in range(1, 9))
PASSWORD = "demo-pass-2026"  # crm/demo/users.py
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ACCOUNT_LINK = re.compile(r'href="/accounts/(\d+)/"')
SNOOZE_FORM = re.compile(r"/opportunities/offers/(\d+)/snooze/")


class Rep(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.email = next(REPS)
        page = self.client.get("/users/login/", name="login page")
        token = CSRF_FIELD.search(page.text).group(1)
        with self.client.post(
            "/users/login/",
            data={"username": self.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/users/login/"},
            name="log in",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"login as {self.email}: {answer.status_code}")

    def page(self, path: str, name: str):
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as got:
            if got.status_code != 200:
                got.failure(f"{path}: {got.status_code}")
            return got.text

    @task
    def daily_loop(self):
        dashboard = self.page("/home/rep/", "rep dashboard")
        self.wait()
        listing = self.page(f"/accounts/?page={random.randint(1, 3)}", "account list")  # noqa: S311
        accounts = ACCOUNT_LINK.findall(listing)
        if accounts:
            self.wait()
            self.page(f"/accounts/{random.choice(accounts)}/", "account page")  # noqa: S311
        self.wait()
        self.page("/opportunities/board/", "pipeline board")
        cards = SNOOZE_FORM.findall(dashboard)
        if cards and random.random() < 1 / 3:  # noqa: S311
            until = datetime.date.today() + datetime.timedelta(days=14)  # noqa: DTZ011
            with self.client.post(
                f"/opportunities/offers/{cards[0]}/snooze/",
                data={"until": until.isoformat()},
                headers={
                    "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
                    "HX-Request": "true",
                    "Referer": f"{self.host}/home/rep/",
                },
                name="snooze a card",
                catch_response=True,
            ) as answer:
                if answer.status_code != 200:
                    answer.failure(f"snooze: {answer.status_code}")
