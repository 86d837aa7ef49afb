"""Profile one booking request: where a ``POST .../bookings`` spends its time and queries.

    .venv/bin/python benchmarks/profile_booking.py --database sqlite [--requests 60]

Seeds the race's database (``race_http.seed``: one partnership, sessions of 20
places, learners with access tokens), then books learners one after another
through Django's test ``Client`` with a bearer token, as the race does: the
first 20 get places, the rest wait. Prints the statements of one confirmed
and one waiting booking, and cProfile's top functions over all the requests
(cumulative time), so the request's cost can be read by middleware, auth,
permission checks, queries, audit and outbox. Nothing is written to the docs.
"""

import argparse
import cProfile
import io
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _database import set_up_fresh_database
from race_http import BENCH_DATABASE, seed
from run import POSTGRES_SERVER  # benchmarks/run.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--postgres-server", default=POSTGRES_SERVER)
    args = parser.parse_args()
    set_up_fresh_database(
        database=args.database,
        postgres_server=args.postgres_server,
        postgres_name=BENCH_DATABASE + "_profile",
        prefix="interagency-profile-",
    )
    from django.db import connection
    from django.test import Client

    class Statements(list):
        """Every statement run while it is the connection's wrapper (request_started
        empties ``connection.queries``, so CaptureQueriesContext misses a request's)."""

        def __call__(self, execute, sql, params, many, context):
            self.append(sql)
            return execute(sql, params, many, context)

    code, sessions, tokens = seed(args.requests + 3)
    client = Client()
    path = f"/api/v1/partnerships/{code}/bookings"

    def book(token: str) -> int:
        answer = client.post(
            path,
            {"session": sessions[0]},
            content_type="application/json",
            headers={"authorization": f"Bearer {token}"},
        )
        return answer.status_code

    book(tokens[-1][1])  # warm up (imports, URL resolver)
    confirmed = Statements()
    with connection.execute_wrapper(confirmed):
        assert book(tokens[-2][1]) == 201
    profiler = cProfile.Profile()
    profiler.enable()
    for _, token in tokens[: args.requests]:
        book(token)
    profiler.disable()
    waiting = Statements()
    with connection.execute_wrapper(waiting):
        assert book(tokens[-3][1]) == 201
    for label, queries in (("confirmed", confirmed), ("waiting", waiting)):
        print(f"\n{label}: {len(queries)} statements")
        for sql in queries:
            print("  ", sql[:150])
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(args.top)
    print(out.getvalue())
    per_request = 1000 * stats.total_tt / args.requests  # type: ignore[attr-defined]
    print(f"{args.requests} requests, {per_request:.1f} ms a request (profiled)")


if __name__ == "__main__":
    main()
