"""A sample county client for the TPD reporting API (/api/v1): it sends a month of a county system's data
from two CSV files, the courses first and then each ended course's attendance list, and prints what the
network answered for every item. Standard library only, so a county engineer can run it anywhere.

    python examples/county_client.py --url https://tpd.example.edu.tw --token "$TPD_TOKEN" \\
        --courses courses.csv --attendance attendance.csv

courses.csv: external_id, organizer_code, title, kind, hours, capacity, topics, audience_levels, day, start,
end, lecturer, venue, contact_name, contact_phone, contact_email (one row per session; topics and levels
separated by `;`; rows of one external_id are one course). attendance.csv: external_id, national_id, hours
(blank: the course's), name (optional). Exit status 0 when every item was accepted, 1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path


def call(base: str, token: str, path: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        base.rstrip("/") + "/api/v1" + path, data=json.dumps(body).encode(), method="PUT",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept-Language": "en"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def read_courses(path: Path) -> dict[str, dict]:
    courses: dict[str, dict] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            key = row["external_id"].strip()
            course = courses.setdefault(key, {
                "organizer_code": row["organizer_code"].strip(), "title": row["title"].strip(),
                "kind": row["kind"].strip(), "hours": float(row["hours"]), "capacity": int(row["capacity"]),
                "topics": [t for t in row["topics"].split(";") if t],
                "audience_levels": [v for v in row["audience_levels"].split(";") if v], "sessions": [],
                "venue": row["venue"].strip(), "contact_name": row["contact_name"].strip(),
                "contact_phone": row["contact_phone"].strip(), "contact_email": row["contact_email"].strip()})
            course["sessions"].append({"day": row["day"].strip(), "start": row["start"].strip(),
                                       "end": row["end"].strip(), "lecturer": row.get("lecturer", "").strip()})
    return courses


def read_lists(path: Path) -> dict[str, list[dict]]:
    lists: dict[str, list[dict]] = defaultdict(list)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            entry: dict = {"national_id": row["national_id"].strip()}
            if (row.get("hours") or "").strip():
                entry["hours"] = float(row["hours"])
            if (row.get("name") or "").strip():
                entry["name"] = row["name"].strip()
            lists[row["external_id"].strip()].append(entry)
    return lists


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--courses", type=Path, required=True)
    parser.add_argument("--attendance", type=Path)
    args = parser.parse_args(argv)
    refused = 0
    for key, course in read_courses(args.courses).items():
        status, body = call(args.url, args.token, f"/courses/{urllib.parse.quote(key)}", course)
        if status == 200:
            print(f"course {key}: {body['result']} as {body['code']}")
        else:
            refused += 1
            fields = "; ".join(f"{e['field']}: {e['message']}" for e in body.get("errors", []))
            print(f"course {key}: refused ({status}) {body.get('detail', '')} {fields}".rstrip())
    for key, rows in (read_lists(args.attendance) if args.attendance else {}).items():
        status, body = call(args.url, args.token, f"/courses/{urllib.parse.quote(key)}/attendance", {"rows": rows})
        if status == 200:
            print(f"list {key}: {body['result']}, {body['accepted']} accepted, {body['rejected']} refused")
            for row in body["rows"]:
                if row["result"] == "rejected":
                    print(f"  row {int(row['row']) + 1} {row['national_id']}: {row['message']}")
            refused += body["rejected"]
        else:
            refused += 1
            print(f"list {key}: refused ({status}) {body.get('detail', '')}")
    return 0 if refused == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
