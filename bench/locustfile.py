"""The load bench/load.py puts on one page at a time: LOAD_USERS simulated users (locust's ``-u``), each
requesting LOAD_PATH again as soon as the last answer arrived (no think time), signed in with the session
cookie LOAD_SESSION that bench/load.py opened for the page's role. Only the page itself is requested (no
static files: WhiteNoise serves those without Django's request cycle)."""

import os

from locust import FastHttpUser, constant, task

PATH = os.environ["LOAD_PATH"]
COOKIE = f"sessionid={os.environ['LOAD_SESSION']}"


class PageUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def page(self) -> None:
        with self.client.get(
            PATH, name=PATH, headers={"Cookie": COOKIE}, allow_redirects=False, catch_response=True
        ) as response:
            # A redirect (to the login page) or an error page is a failure: the page was not served.
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
