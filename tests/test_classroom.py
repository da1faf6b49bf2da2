"""The seminar's class mode without a browser: seats, lecturer checks, prediction rounds, the shared game and its replay,
several players in one model, and the scorecard of what a government weighs."""

from __future__ import annotations

import csv
import io
import threading

import numpy as np
import pytest

from multivector.analysis.seminar import classroom as room
from multivector.analysis.seminar.classroom import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_NAME,
    QUANTILES,
    ROUND_RUNS,
    Classroom,
    ClassroomError,
    WrongCodeError,
    clean_name,
    replay,
)
from multivector.analysis.seminar.play import DOMAINS, Player, SeminarModel, rerun
from multivector.analysis.seminar.scorecard import scorecard
from multivector.model.metrics import MetricError

STUDENTS = {"s1": "Aigerim", "s2": "Bekzod", "s3": "Dilnoza"}
"""Session id → name of the three students of the tests."""

CLAIMS = {"s1": "KAZ", "s2": "UZB", "s3": "TJK"}
"""Session id → the state each student claims in the game tests."""

QUARTER_SECONDS = 30.0
"""Time per quarter in the game tests (s, on the tests' own clock)."""


class Clock:
    """A clock the test moves by hand (seconds), so deadlines need no sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def same_outcomes(a: SeminarModel, b: SeminarModel) -> bool:
    """Whether two runs' outcome arrays are equal bit for bit (NaN for quarters not run on both)."""
    return a.outcomes.keys() == b.outcomes.keys() and all(np.array_equal(a.outcomes[k], b.outcomes[k], equal_nan=True) for k in a.outcomes)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def seated(clock: Clock) -> Classroom:
    """A classroom on the tests' clock with the three students seated."""
    classroom = Classroom(now=clock)
    for session, name in STUDENTS.items():
        classroom.join(session, name, classroom.code)
    return classroom


@pytest.fixture
def game(seated: Classroom) -> Classroom:
    """The three students have claimed Kazakhstan, Uzbekistan and Tajikistan, and the game has started with a deadline."""
    for session, state in CLAIMS.items():
        seated.claim(session, state)
    seated.start_game(seated.lecturer_token, "baseline", seed=7, quarter_seconds=QUARTER_SECONDS)
    return seated


# ----------------------------------------------------------------- seats


def test_a_fresh_classroom_has_a_random_join_code_and_lecturer_token():
    a, b = Classroom(), Classroom()
    for code in (a.code, b.code):
        assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET), code
    assert not set("01ILO") & set(CODE_ALPHABET), "the alphabet leaves out characters read as one another"
    assert a.lecturer_token != b.lecturer_token and len(a.lecturer_token) >= 32, "a token of at least 24 random bytes"
    assert a.is_lecturer(a.lecturer_token) and not a.is_lecturer(b.lecturer_token) and not a.is_lecturer(None)


def test_the_right_code_seats_a_student_in_any_case_and_spacing():
    classroom = Classroom()
    spaced = " ".join(classroom.code[:3].lower()) + " " + classroom.code[3:]
    seat = classroom.join("s1", "Aigerim", spaced)
    assert (seat.name, seat.number) == ("Aigerim", 1)
    assert classroom.seat("s1") == seat and classroom.seats() == (seat,)


def test_a_wrong_code_is_refused_saying_what_was_expected():
    classroom = Classroom()
    wrong = "".join(c for c in CODE_ALPHABET if c not in classroom.code)[:CODE_LENGTH]
    with pytest.raises(WrongCodeError, match=rf"wrong join code '{wrong}': expected the {CODE_LENGTH}-character code"):
        classroom.join("s1", "Aigerim", wrong)
    with pytest.raises(ValueError, match="wrong join code ''"):  # a ValueError, as every input error of the project
        classroom.join("s1", "Aigerim", "")
    assert classroom.seats() == ()


def test_rejoining_from_the_same_session_returns_the_same_seat(seated: Classroom):
    first = seated.seat("s2")
    assert seated.join("s2", "Someone else", seated.code) == first, "a refresh keeps the seat (and its name)"
    assert len(seated.seats()) == len(STUDENTS)


def test_seats_are_capped_and_a_seated_session_can_still_rejoin():
    classroom = Classroom(max_seats=2)
    classroom.join("s1", "A", classroom.code)
    classroom.join("s2", "B", classroom.code)
    with pytest.raises(ClassroomError, match="the classroom is full: all 2 seats are taken"):
        classroom.join("s3", "C", classroom.code)
    assert classroom.join("s1", "A", classroom.code).number == 1


def test_joins_from_many_threads_fill_exactly_the_seats_with_distinct_numbers():
    classroom = Classroom(max_seats=40)
    refused: list[str] = []

    def join_many(thread: int) -> None:
        for k in range(10):
            try:
                classroom.join(f"t{thread}-{k}", f"Student {thread}-{k}", classroom.code)
            except ClassroomError as error:
                refused.append(str(error))

    threads = [threading.Thread(target=join_many, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    numbers = sorted(seat.number for seat in classroom.seats())
    assert numbers == list(range(1, 41)), "80 joins for 40 seats: each seat taken once, numbered in order"
    assert len(refused) == 40 and all("full" in message for message in refused)


def test_names_are_stripped_of_markup_capped_and_made_unique(seated: Classroom):
    assert clean_name("<b>Aigerim</b> <img src=x onerror=alert(1)>") == "Aigerim"
    assert clean_name("**Bek** [link](http://x)") == "Bek linkhttpx"
    assert clean_name("=HYPERLINK(1)") == "HYPERLINK1", "no leading character a spreadsheet reads as a formula"
    assert clean_name("Ōğuz  O'Neil-Шукуров") == "Ōğuz O'Neil-Шукуров", "letters of any script, apostrophes and hyphens stay"
    assert len(clean_name("x" * 500)) == MAX_NAME
    with pytest.raises(ClassroomError, match="a name is needed"):
        seated.join("s9", "<i></i> ***", seated.code)
    assert seated.join("s4", "Aigerim", seated.code).name == "Aigerim (2)", "a second Aigerim is told apart"


# ----------------------------------------------------------------- lecturer checks


LECTURER_ACTIONS = {
    "open a prediction round": lambda c, token: c.open_round(token, "Q?", "cohesion@2030"),
    "close a prediction round": lambda c, token: c.close_round(token),
    "start a game": lambda c, token: c.start_game(token),
    "force a quarter": lambda c, token: c.force_quarter(token),
    "export the rounds": lambda c, token: c.csv_text(token),
    "export the game": lambda c, token: c.turns_csv(token),
}
"""What only the lecturer can do → the call that does it."""


@pytest.mark.parametrize("action", LECTURER_ACTIONS)
@pytest.mark.parametrize("token", [None, "", "not-the-token"])
def test_lecturer_actions_refuse_without_the_token(seated: Classroom, action: str, token: str | None):
    with pytest.raises(PermissionError, match=f"only the lecturer can {action}: the lecturer token is missing or wrong"):
        LECTURER_ACTIONS[action](seated, token)


def test_the_token_is_checked_on_every_call_not_once(seated: Classroom):
    seated.open_round(seated.lecturer_token, "Cohesion in 2030?", "cohesion@2030")
    with pytest.raises(PermissionError, match="only the lecturer can close a prediction round"):
        seated.close_round("not-the-token")
    assert seated.current_round().is_open, "a refused action changes nothing"


# ----------------------------------------------------------------- prediction rounds


def test_a_round_pools_three_students_and_exports_every_answer_with_the_models_quantiles(seated: Classroom):
    token = seated.lecturer_token
    seated.open_round(token, "Russia's security share in Tajikistan, 2026?", "alignment[state=TJK,domain=security,power=RUS]@2026",
                      "baseline", {"sanctions.secondary_cost": 1.2})
    for session, value in zip(STUDENTS, (0.4, 0.55, 0.9), strict=True):
        seated.submit(session, value)
    seated.submit("s3", 0.7)  # a second answer replaces the first
    closed = seated.close_round(token)

    assert not closed.is_open and closed.answers == (("Aigerim", 0.4), ("Bekzod", 0.55), ("Dilnoza", 0.7))
    assert closed.student_values.tolist() == [0.4, 0.55, 0.7]
    assert closed.model_values.shape == (ROUND_RUNS,) and np.all((closed.model_values >= 0) & (closed.model_values <= 1)), "shares"
    assert np.ptp(closed.model_values) > 0, "the runs differ by seed"
    histogram = closed.histogram(bins=10)
    assert histogram.edges.size == 11 and histogram.students.sum() == 3 and histogram.model.sum() == ROUND_RUNS
    with pytest.raises(ClassroomError, match="no round is open"):
        seated.submit("s1", 0.5)

    rows = list(csv.DictReader(io.StringIO(seated.csv_text(token))))
    assert [(r["round"], r["student"], float(r["value"])) for r in rows] == [("1", n, v) for n, v in closed.answers]
    for row in rows:
        assert row["metric"] == "alignment[state=TJK,domain=security,power=RUS]@2026" and row["scenario"] == "baseline"
        assert row["question"] == "Russia's security share in Tajikistan, 2026?" and row["levers"] == "sanctions.secondary_cost=1.2"
        exported = [float(row[f"model_q{round(q * 100):02d}"]) for q in QUANTILES]
        # exported with 6 significant digits: equal to the view's quantiles within a relative 1e-5
        np.testing.assert_allclose(exported, list(closed.quantiles.values()), rtol=1e-5)
    assert list(closed.quantiles.values()) == sorted(closed.quantiles.values())


def test_an_open_round_and_a_round_without_answers_are_exported_with_empty_cells(seated: Classroom):
    token = seated.lecturer_token
    seated.open_round(token, "Cohesion in 2030?", "cohesion@2030")
    seated.close_round(token)
    seated.open_round(token, "Summits in 2030?", "summit_formats@2030")
    seated.submit("s1", 3)
    rows = list(csv.DictReader(io.StringIO(seated.csv_text(token))))
    assert [(r["round"], r["student"], r["value"]) for r in rows] == [("1", "", ""), ("2", "Aigerim", "3.0")]
    assert rows[0]["model_q50"] != "" and rows[1]["model_q50"] == "", "quantiles only once a round is closed"


def test_round_mistakes_are_refused_saying_what_was_expected(seated: Classroom):
    token = seated.lecturer_token
    with pytest.raises(ClassroomError, match="no round is open: wait for the lecturer"):
        seated.submit("s1", 1.0)
    with pytest.raises(MetricError, match="outcome"):
        seated.open_round(token, "Q?", "no_such_outcome@2030")
    with pytest.raises(ClassroomError, match="a question is needed"):
        seated.open_round(token, "  ", "cohesion@2030")
    seated.open_round(token, "Cohesion in 2030?", "cohesion@2030")
    with pytest.raises(ClassroomError, match="round 1 is still open: close it before opening another"):
        seated.open_round(token, "Again?", "cohesion@2030")
    with pytest.raises(ClassroomError, match="an answer must be a finite number; got 'a lot'"):
        seated.submit("s1", "a lot")
    with pytest.raises(ClassroomError, match="an answer must be a finite number; got nan"):
        seated.submit("s1", float("nan"))
    with pytest.raises(ClassroomError, match="join the class first"):
        seated.submit("stranger", 0.5)


# ----------------------------------------------------------------- the shared game


def test_a_quarter_resolves_once_every_claimed_state_has_moved(game: Classroom):
    assert game.game().claims == {"KAZ": "Aigerim", "UZB": "Bekzod", "TJK": "Dilnoza"}
    assert game.submit_moves("s1", {"security": "russia"}) is False
    assert game.submit_moves("s2", {"economy": "china", "diplomacy": "west"}) is False
    assert game.game().moved == {"KAZ", "UZB"} and game.game().quarters_played == 0
    assert game.submit_moves("s3", {}) is True
    view = game.game()
    assert (view.quarters_played, view.quarter, view.moved) == (1, "2021Q2", frozenset())
    assert [(t.quarter, t.state, t.how) for t in game.turns()] == [("2021Q1", s, "moved") for s in ("KAZ", "UZB", "TJK")]
    assert game.turns()[1].moves == {"security": "model", "economy": "china", "diplomacy": "west"}, "a domain not given: the model's"


def test_a_quarter_resolves_on_the_deadline_with_the_missing_players_left_to_the_model(game: Classroom, clock: Clock):
    game.submit_moves("s1", {"security": "russia", "economy": "russia", "diplomacy": "russia"})
    assert game.game().seconds_left == QUARTER_SECONDS
    clock.now += QUARTER_SECONDS - 1
    assert game.tick() is False and game.game().quarters_played == 0, "a second before the deadline nothing happens"
    clock.now += 1
    assert game.tick() is True
    assert [(t.state, t.how) for t in game.turns()] == [("KAZ", "moved"), ("UZB", "timed out"), ("TJK", "timed out")]
    assert game.turns()[1].moves == dict.fromkeys(DOMAINS, "model")
    view = game.game()
    assert view.quarters_played == 1 and view.deadline == clock.now + QUARTER_SECONDS, "the next quarter gets its own time"
    assert game.tick() is False, "one quarter per deadline"


def test_the_lecturer_can_force_a_quarter(game: Classroom):
    game.submit_moves("s2", {"security": "china"})
    view = game.force_quarter(game.lecturer_token)
    assert view.quarters_played == 1
    assert [(t.state, t.how) for t in game.turns()] == [("KAZ", "forced"), ("UZB", "moved"), ("TJK", "forced")]


def test_claims_are_one_student_per_state_and_one_state_per_student(seated: Classroom):
    assert seated.claim("s1", "KAZ") == "Kazakhstan"
    assert seated.claim("s1", "KAZ") == "Kazakhstan", "claiming one's own state again is harmless"
    with pytest.raises(ClassroomError, match="Kazakhstan is already played by Aigerim; choose another state"):
        seated.claim("s2", "KAZ")
    with pytest.raises(ClassroomError, match="you already play Kazakhstan: release it"):
        seated.claim("s1", "UZB")
    with pytest.raises(ClassroomError, match="unknown state 'RUS'; one of: KAZ, UZB, KGZ, TJK, TKM"):
        seated.claim("s2", "RUS")
    seated.release("s1")
    assert seated.claim("s2", "KAZ") == "Kazakhstan" and seated.claims() == {"KAZ": "Bekzod"}


def test_moves_outside_a_running_game_or_unknown_moves_are_refused(seated: Classroom):
    with pytest.raises(ClassroomError, match="no game is running"):
        seated.submit_moves("s1", {"security": "russia"})
    seated.start_game(seated.lecturer_token)
    with pytest.raises(ClassroomError, match="claim a state first"):
        seated.submit_moves("s1", {"security": "russia"})
    seated.claim("s1", "KGZ")
    with pytest.raises(ClassroomError, match=r"unknown domain or move \('security': 'lean hard'\)"):
        seated.submit_moves("s1", {"security": "lean hard"})
    with pytest.raises(ClassroomError, match="the time per quarter must be positive"):
        seated.start_game(seated.lecturer_token, quarter_seconds=0)


def test_replaying_the_turn_log_on_the_same_seed_gives_the_games_outcomes_bit_for_bit(game: Classroom, clock: Clock):
    leans = ("russia", "china", "west", "other", "spread", "hold", "model")
    for quarter in range(10):
        for k, session in enumerate(CLAIMS):
            if (quarter + k) % 4 == 0:
                continue  # now and then a student does not move
            game.submit_moves(session, {d: leans[(quarter + k + j) % len(leans)] for j, d in enumerate(DOMAINS)})
        if game.game().quarters_played == quarter:
            if quarter % 2:
                clock.now += QUARTER_SECONDS
                game.tick()
            else:
                game.force_quarter(game.lecturer_token)
    game.release("s3")  # Tajikistan goes back to the model for the last quarters
    game.force_quarter(game.lecturer_token)
    view = game.game()
    assert view.quarters_played == 11 and {t.how for t in game.turns()} == {"moved", "timed out", "forced"}

    replayed = replay(view.scenario, view.seed, view.levers, game.turns(), view.quarters_played)
    again = game.replay_game()
    assert game.with_game(lambda model: same_outcomes(model, replayed) and same_outcomes(model, again))
    unplayed = replay(view.scenario, view.seed, view.levers, (), view.quarters_played)
    assert not same_outcomes(unplayed, replayed), "the players' moves changed the run, so the identity is not trivial"


def test_a_game_scorecard_names_the_state_and_the_quarters_played(game: Classroom):
    game.submit_moves("s1", dict.fromkeys(DOMAINS, "west"))
    game.force_quarter(game.lecturer_token)
    card = game.game_scorecard("KAZ")
    assert (card.state_name, card.first, card.last) == ("Kazakhstan", "2021Q1", "2021Q1")


def test_listeners_hear_every_change_after_the_lock_is_released_and_one_failing_does_not_silence_the_others(seated: Classroom):
    heard: list[tuple[str, int]] = []

    def failing(change: str) -> None:
        raise RuntimeError("a page that has gone away")

    def reading(change: str) -> None:
        free: list[bool] = []

        def another_session() -> None:
            free.append(seated._lock.acquire(blocking=False))
            if free[0]:
                seated._lock.release()

        other = threading.Thread(target=another_session)
        other.start()
        other.join()
        heard.append((change, free == [True], len(seated.seats())))  # another session can take the lock; reading it works

    seated.subscribe(failing)
    unsubscribe = seated.subscribe(reading)
    seated.join("s4", "Farrukh", seated.code)
    seated.claim("s4", "TKM")
    seated.open_round(seated.lecturer_token, "Cohesion in 2030?", "cohesion@2030")
    unsubscribe()
    seated.submit("s4", 0.5)
    assert heard == [("seats", True, 4), ("game", True, 4), ("round", True, 4)]


def test_the_page_sessions_share_one_classroom_until_a_new_one_is_made():
    first = room.classroom()
    assert room.classroom() is first
    fresh = room.new_classroom(max_seats=5)
    assert room.classroom() is fresh and fresh is not first and fresh.lecturer_token != first.lecturer_token


# ----------------------------------------------------------------- several players in one model


def test_players_who_leave_every_choice_to_the_model_leave_the_run_bit_for_bit_unchanged():
    alone = SeminarModel("baseline", seed=11)
    alone.run()
    played = SeminarModel("baseline", seed=11, players={"KAZ": Player("KAZ"), "UZB": Player("UZB")})
    played.run()
    assert same_outcomes(alone, played)
    assert len(played.players["KAZ"].history) == len(played.quarters) and played.turns[0] == {
        "KAZ": dict.fromkeys(DOMAINS, "model"), "UZB": dict.fromkeys(DOMAINS, "model")}


def test_each_player_moves_their_own_state_and_the_single_player_argument_still_works():
    russia, china = dict.fromkeys(DOMAINS, "russia"), dict.fromkeys(DOMAINS, "china")
    reference = SeminarModel("baseline", seed=3)
    single = SeminarModel("baseline", seed=3, player=Player("KAZ", moves=dict(russia)))
    both = SeminarModel("baseline", seed=3, player=Player("KAZ", moves=dict(russia)), players={"UZB": Player("UZB", moves=dict(china))})
    for model in (reference, single, both):
        for _ in range(8):
            model.step()
    assert single.player is single.players["KAZ"] and set(both.players) == {"KAZ", "UZB"}
    kaz, uzb = (reference.state_codes.index(c) for c in ("KAZ", "UZB"))
    rus, chn = (reference.power_codes.index(c) for c in ("RUS", "CHN"))
    # two years of leaning at the adjustment rate: each share rises by more than 0.1 over the model's rule (it rises ~0.4)
    assert both.alignment[kaz, :, rus].mean() > reference.alignment[kaz, :, rus].mean() + 0.1
    assert both.alignment[uzb, :, chn].mean() > reference.alignment[uzb, :, chn].mean() + 0.1
    assert same_outcomes(rerun(both), both), "rerun replays every player's recorded moves"
    assert same_outcomes(rerun(both, without={"UZB"}), single), "without Uzbekistan's player: the one-player run"
    assert same_outcomes(rerun(both, without=both.state_codes), reference)


def test_players_that_do_not_fit_the_model_are_refused():
    with pytest.raises(ValueError, match="unknown state 'RUS'"):
        SeminarModel("baseline", players={"RUS": Player("RUS")})
    with pytest.raises(ValueError, match="the player under 'KAZ' plays 'UZB'"):
        SeminarModel("baseline", players={"KAZ": Player("UZB")})
    with pytest.raises(ValueError, match="KAZ already has a player"):
        SeminarModel("baseline", player=Player("KAZ"), players={"KAZ": Player("KAZ")})


# ----------------------------------------------------------------- the scorecard


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_leaning_fully_to_russia_costs_autonomy_and_wins_russias_goodwill(seed: int):
    played = SeminarModel("baseline", seed=seed, player=Player("KAZ", moves=dict.fromkeys(DOMAINS, "russia")))
    for _ in range(20):
        played.step()
    card = scorecard(played, "KAZ")
    rows = {row.label.split(":")[0] if row.group == "Goodwill" else row.group + "/" + row.unit: row for row in card.rows}
    hedging, russia, china = rows["Autonomy/0–1"], rows["Goodwill of Russia"], rows["Goodwill of China"]
    # Five years at the adjustment rate toward Russia only concentrate every domain on it: the mean hedging index falls
    # far below the rule's (about 0.3 against 0.75 on these seeds); 0.2 leaves room for other seeds and calibrations.
    assert hedging.played < hedging.model - 0.2 and hedging.better == "higher" and hedging.ahead == "model"
    # Russia's mean share ends at a multiple of its 2021 level; the rule keeps it near it. A gain of half the 2021 share
    # is far below the ~2× gain seen and far above noise.
    assert russia.played > russia.model + 0.5 and russia.ahead == "played"
    assert china.played < china.model, "China's share goes to Russia"


def test_the_scorecard_names_states_and_powers_in_words_and_crowns_no_winner():
    played = SeminarModel("baseline", seed=4, players={"UZB": Player("UZB")})
    for _ in range(6):
        played.step()
    card = scorecard(played, "UZB")
    assert (card.state, card.state_name, card.first, card.last) == ("UZB", "Uzbekistan", "2021Q1", "2022Q2")
    groups = [row.group for row in card.rows]
    assert groups[:7] == ["Autonomy", "Regime security", "Regime security", "Growth", "Growth", "Sanctions exposure", "Sanctions exposure"]
    goodwill = [row.label for row in card.rows if row.group == "Goodwill"]
    assert len(goodwill) == len(played.power_codes) and goodwill[0].startswith("Goodwill of Russia") and any(
        label.startswith("Goodwill of United States") for label in goodwill)
    assert all(row.unit and row.better in ("higher", "lower") for row in card.rows)
    assert {row.better for row in card.rows if row.group == "Sanctions exposure"} == {"lower"}
    assert all(row.ahead == "even" and row.played == row.model for row in card.rows), "a player who leaves it all to the model"
    assert not hasattr(card, "total") and not hasattr(card, "winner")


def test_the_scorecard_refuses_runs_that_cannot_be_compared():
    played = SeminarModel("baseline", seed=4)
    with pytest.raises(ValueError, match="has not run a quarter yet"):
        scorecard(played, "KAZ")
    played.step()
    with pytest.raises(ValueError, match="unknown state 'XYZ'"):
        scorecard(played, "XYZ")
    with pytest.raises(ValueError, match="must have the played run's scenario, seed and levers"):
        scorecard(played, "KAZ", SeminarModel("baseline", seed=5))
    with pytest.raises(ValueError, match="has run 0 quarters; it needs the 1 played"):
        scorecard(played, "KAZ", SeminarModel("baseline", seed=4))
