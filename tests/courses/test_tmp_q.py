import pytest
from tests.courses.test_lesson_page import lesson_page_queries

@pytest.mark.django_db
def test_q(client, learner, course_index):
    client.force_login(learner)
    a = lesson_page_queries(client, course_index, 3)
    b = lesson_page_queries(client, course_index, 30)
    print("QUERIES", a, b)
    client.logout()
    print("ANON", lesson_page_queries(client, course_index, 3))
