import pytest

from careers.content.templatetags.advice_markdown import markdown_to_safe_html
from tests.factories import AdviceItemFactory, CareerPathFactory, TagFactory


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("Hello <script>alert(1)</script>", "<script"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="https://example.org" onclick="steal()">x</a>', "onclick"),
        ("<style>body{display:none}</style>", "<style"),
        ('<iframe src="https://example.org"></iframe>', "<iframe"),
    ],
)
def test_it_strips_dangerous_html_from_advice(markdown, forbidden):
    assert forbidden not in markdown_to_safe_html(markdown)


def test_it_renders_advice_markdown():
    html = markdown_to_safe_html(
        "Ask **who** your manager is.\n\n- one\n- two\n\n[CS230](https://cs230.stanford.edu/)"
    )
    assert "<strong>who</strong>" in html
    assert "<li>one</li>" in html
    assert 'href="https://cs230.stanford.edu/"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_it_lists_published_advice_only(client, db):
    AdviceItemFactory(title="Visible advice")
    AdviceItemFactory(title="Draft advice", status="draft")
    html = client.get("/advice/").content.decode()
    assert "Visible advice" in html
    assert "Draft advice" not in html


def test_it_filters_the_advice_library_by_path_and_tag(client, db):
    phd = CareerPathFactory(slug="phd", name="PhD program")
    habits = TagFactory(slug="habits", name="Habits")
    AdviceItemFactory(title="For PhD habits", paths=[phd], tags=[habits])
    AdviceItemFactory(title="For PhD only", paths=[phd])
    AdviceItemFactory(title="Habits only", tags=[habits])
    html = client.get("/advice/", {"path": "phd", "tag": "habits"}).content.decode()
    assert "For PhD habits" in html
    assert "For PhD only" not in html
    assert "Habits only" not in html


def test_it_shows_an_error_and_everything_for_an_unknown_filter_value(client, db):
    AdviceItemFactory(title="Some advice")
    response = client.get("/advice/", {"path": "astronaut"})
    assert response.status_code == 200
    assert "path" in response.context["form"].errors
    assert "Some advice" in response.content.decode()


def test_it_shows_each_advice_item_with_its_citation(client, db):
    AdviceItemFactory(title="Meet the team", citation_span="24:00-24:17")
    html = client.get("/advice/").content.decode()
    assert "interview 24:00-24:17" in html


def test_it_answers_not_found_for_an_unpublished_path(client, db):
    CareerPathFactory(slug="secret-path", status="draft")
    assert client.get("/paths/secret-path/").status_code == 404
    assert client.get("/paths/no-such-path/").status_code == 404


def test_it_shows_people_questions_and_red_flags_on_the_path_page(client, seeded):
    html = client.get("/paths/phd/").content.decode()
    assert "advisor" in html.lower()
    assert "Professor" in html or "professor" in html
    html = client.get("/paths/industry-team/").content.decode()
    assert "The team is not decided before you sign" in html


def test_it_presents_the_four_paths_and_people_first_on_the_home_page(client, seeded):
    html = client.get("/").content.decode()
    for slug in ("industry-team", "research-lab", "phd", "startup"):
        assert f"/paths/{slug}/" in html
    assert "10 to 30 people" in html


def test_it_escapes_user_text_in_pages(client, db):
    AdviceItemFactory(title="<b>bold</b> & <script>x</script>")
    html = client.get("/advice/").content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script>x</script>" not in html
