"""Ballot data of debate formats (content-format.md, "Debate formats: ballots as tournaments
print them"): consistency errors with their location, older projects' fields, and a
judge's edition with several ballots. The ballot page of every bundled format is checked
in test_variants.py (one brief holds a debate in each)."""
import copy

import pytest
from pypdf import PdfReader

from conftest import CONFIG, DEBATE, run_cli, small_project

CLUB = """\
id: club
name: Club format
sides: {pro: For, con: Against}
speeches:
  - {name: Opening For, side: pro, minutes: 3, speaker: 1}
  - {name: Opening Against, side: con, minutes: 3, speaker: 1}
  - {name: Questions, side: both, minutes: 2}
  - {name: Reply Against, side: con, minutes: 2, speaker: 1}
  - {name: Reply For, side: pro, minutes: 2, speaker: 1}
ballot:
  score: per-speaker
  points: {min: 60, max: 80}
"""


def check(tmp_path, *replacements):
    """Check a project whose debate uses CLUB (in formats/club.yaml) with text replaced; stderr lines."""
    fmt = CLUB
    for old, new in replacements:
        assert old in fmt
        fmt = fmt.replace(old, new)
    debate = dict(copy.deepcopy(DEBATE), format="club")
    root = small_project(tmp_path / "proj", **{"formats/club.yaml": fmt, "content/debates/split.yaml": debate})
    result = run_cli("check", root)
    return result.exit_code, [line for line in result.stderr.splitlines() if "problems found" not in line]


def test_a_consistent_format_checks(tmp_path):
    code, lines = check(tmp_path)
    assert code == 0, lines


REPLY_AGAINST = "{name: Reply Against, side: con, minutes: 2, speaker: 1}"


@pytest.mark.parametrize("replacements, expected", [
    # a reply range above the format's (World Schools' 30-40 under 60-80 is fine)
    ([("score: per-speaker", "score: per-speech"),
      (REPLY_AGAINST, "{name: Reply Against, side: con, minutes: 2, speaker: 1, points: {min: 30, max: 90}}")],
     "formats/club.yaml:8:70: speech 'Reply Against' is scored 30–90, above the format's range 60–80; a speech's "
     "range may be lower (as World Schools replies, 30–40) but not higher"),
    # a speaker number that no speech uses
    ([(REPLY_AGAINST, "{name: Reply Against, side: con, minutes: 2, speaker: 3}")],
     "formats/club.yaml:8:59: speaker 3 of the Against side has a speech, but no speech is given by speaker 2; "
     "number the speakers of the Against side 1 to 2"),
    # one debater is scored once on a per-speaker ballot, so their speeches share one range
    ([(REPLY_AGAINST, "{name: Reply Against, side: con, minutes: 2, speaker: 1, points: {min: 30, max: 40}}")],
     "formats/club.yaml:8:70: speeches Opening Against, Reply Against are one debater's, scored once on a per-speaker "
     "ballot, but have different points; give them one range, or use ballot: {score: per-speech}"),
    ([("{name: Questions, side: both, minutes: 2}", "{name: Questions, side: both, minutes: 2, speaker: 1}")],
     "formats/club.yaml:7:56: speech 'Questions' is for both sides and has no single speaker; remove 'speaker'"),
    ([(REPLY_AGAINST, "{name: Reply Against, side: con, minutes: 2}")],
     "formats/club.yaml:8:5: speech 'Reply Against' names no speaker, but other speeches do; give it 'speaker: N' "
     "(the debater of its side who gives it)"),
    ([("ballot:", "first_side: heads\nballot:")],
     "formats/club.yaml:10:13: first_side 'heads' is not a side of the format; use pro, con or coin (a coin toss decides)"),
    ([("score: per-speaker", "score: per-speaker\n  ranks: teams")],
     "formats/club.yaml:12:10: ranks: teams needs 'teams' (which speeches each team gives); or use ranks: speakers"),
    ([("{min: 60, max: 80}", "{min: 80, max: 60}")],
     "formats/club.yaml:12:11: points run from min to max: min (80) must be less than max (60)"),
    ([("score: per-speaker", "score: by-judge")],
     "formats/club.yaml:11:10: 'score' must be one of 'per-speaker' or 'per-speech', not 'by-judge'"),
    ([("ballot:", "points: {min: 1, max: 10}\nballot:")],
     "formats/club.yaml:10:9: 'points' is given twice, beside 'ballot' and inside it, with different values; keep one"),
])
def test_inconsistent_format_data_is_located(tmp_path, replacements, expected):
    code, lines = check(tmp_path, *replacements)
    assert code == 1
    assert [line for line in lines if line.startswith("formats/club.yaml")] == [expected]


def test_inline_format_problems_point_into_the_module(tmp_path):
    import yaml

    debate = dict(copy.deepcopy(DEBATE), format=yaml.safe_load(CLUB.replace(REPLY_AGAINST, REPLY_AGAINST.replace("1}", "3}"))))
    root = small_project(tmp_path / "proj", **{"content/debates/split.yaml": debate})
    result = run_cli("check", root)
    assert result.exit_code == 1
    assert result.stderr.startswith("content/debates/split.yaml:")
    assert "speaker 3 of the Against side has a speech, but no speech is given by speaker 2" in result.stderr


def test_older_fields_keep_working():
    """`speaker_points` (before ballots) is the format's points; `points`, `ranks` and
    `team_total` may also be written beside `ballot`."""
    from coursepack.models import DebateFormat

    import yaml

    club = yaml.safe_load(CLUB)
    old = DebateFormat.model_validate(dict(club, ballot=None, speaker_points={"min": 25, "max": 30, "step": 0.5}))
    assert old.scoring.points.label == "25–30" and old.scoring.score == "per-speaker"
    beside = DebateFormat.model_validate(dict(club, ballot={"score": "per-speech"}, points={"min": 1, "max": 10},
                                              ranks=True, team_total=True))
    assert (beside.scoring.score, beside.scoring.points.label, beside.rank_speakers, beside.scoring.team_total) == (
        "per-speech", "1–10", True, True)
    assert [[row.speeches for row in group.rows] for group in old.ballot_groups()] == [
        [("Opening For", "Reply For")], [("Opening Against", "Reply Against")]]


def test_a_judges_edition_prints_several_ballots(tmp_path):
    debate = dict(copy.deepcopy(DEBATE), format="lincoln-douglas")
    config = dict(CONFIG, packs=[{"id": "judge", "modules": ["split"], "layout": "brief", "editions": ["judge"],
                                  "ballots": 3}])
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": config, "content/debates/split.yaml": debate})
    result = run_cli("build", root)
    assert result.exit_code == 0, result.output
    texts = [" ".join(page.extract_text().split()) for page in PdfReader(root / "build" / "judge-judge.pdf").pages]
    ballots = [text for text in texts if text.startswith("Ballot The Split")]
    assert len(ballots) == 3 and len({text.split(" Page ")[0] for text in ballots}) == 1  # the same ballot, 3 pages
    assert all(text.count("debater") == 2 for text in ballots)  # one line per debater, not per speech
