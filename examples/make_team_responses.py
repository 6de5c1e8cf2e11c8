"""Write examples/team-responses.csv: a made-up team of 40 in 4 teams, as Google Forms exports it.

Run from the repository root: python examples/make_team_responses.py
Everyone in it is invented. A few realistic problems are put in on purpose:
a typo'd answer, a blank row, a duplicate submission, someone who gave the same
answer to everything, and someone who skipped most of one competency.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from goodpartners.frameworks import load_framework

OUT = Path(__file__).resolve().parent / "team-responses.csv"
QUESTION = "How often do you do this in multi-agency work?"
FIRST = (
    "Amira Ben Chloe Dev Eilidh Femi Grace Harpreet Idris Jo Kasia Liam Maya Niall Olu Priya "
    "Rhys Sam Tomasz Uzma Viv Wes Yasmin Zoe Aled Bethan Callum Dami Erin Farah Gethin Hana "
    "Imran Jess Kofi Leanne Mo Nadia Owen Pat"
).split()
LAST = (
    "Ahmed Baker Campbell Davies Evans Fraser Green Hughes Iqbal Jones Khan Lewis Morgan "
    "Nowak Okafor Patel Quinn Roberts Singh Taylor Usman Vaughan Walsh Young"
).split()
TEAMS = ("Outreach", "Hostel", "Day Centre", "Housing Support")
TEAM_OFFSET = {"Outreach": 0.2, "Hostel": -0.1, "Day Centre": 0.0, "Housing Support": -0.3}
COMMENTS = ("", "", "", "Good to think about this before the case conference.", "",
            "Some of these do not fit my role,\nbut most do.", "")  # fmt: skip


def main() -> None:
    """Write the example export."""
    framework = load_framework("good-partners")
    rng = random.Random(2024)
    items = list(framework.items())
    labels = framework.scale.labels
    offset = {c.id: rng.uniform(-0.3, 0.5) for _, c in framework.competencies()}
    offset["know-partners"] = -0.8  # the team's clearest training need
    offset["step-back"] = -0.6
    noise = {c.id: 0.55 for _, c in framework.competencies()}
    noise["critical-friend"] = 2.0  # its statements will not hang together
    header = ["Timestamp", "Email Address", "Your name", "Your team"]
    header += [f"{QUESTION} [{item.text}]" for _, item in items]
    header.append("Anything else you would like to tell us?")
    rows = []
    for n in range(40):
        first, last = FIRST[n], LAST[n % len(LAST)]
        team = TEAMS[n % len(TEAMS)]
        level = 3.3 + rng.gauss(0, 0.45) + TEAM_OFFSET[team]
        trait = {c.id: rng.gauss(0, 0.6) for _, c in framework.competencies()}
        row = [
            f"05/03/2025 {9 + n // 10:02d}:{n * 7 % 60:02d}:{n * 13 % 60:02d}",
            f"{first.lower()}.{last.lower()}@example.org",
            f"{first} {last}",
            team,
        ]
        for competency, item in items:
            draw = rng.random()
            if draw < 0.025:
                row.append("")
                continue
            if draw < 0.04:
                row.append(framework.scale.not_applicable or "N/A")
                continue
            value = level + offset[competency.id] + trait[competency.id]
            point = min(5, max(1, round(value + rng.gauss(0, noise[competency.id]))))
            row.append(labels[6 - point if item.reverse else point])
        row.append(rng.choice(COMMENTS))
        rows.append(row)
    rows[6][4 + 5] = "Oftne"  # a typo'd answer
    rows[13] = rows[13][:4] + ["Often"] * len(items) + [""]  # the same answer to everything
    rows[21][4] = rows[21][5] = ""  # skipped most of one competency
    again = list(rows[9])  # submitted twice, a little later, one answer changed
    again[0], again[4 + 2] = "05/03/2025 16:02:11", "Sometimes"
    rows.insert(27, again)
    rows.insert(18, [""] * len(header))  # a blank row
    with OUT.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)


if __name__ == "__main__":
    main()
