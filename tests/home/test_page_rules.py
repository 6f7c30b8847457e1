"""Where each page type may be created in the tree."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from courses.models import CourseIndexPage, CoursePage, LessonPage
from home.models import HelpPage, HomePage, StandardPage


class PageRulesTests(WagtailPageTestCase):
    def test_home_page_sits_at_the_root_only(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(HomePage, HomePage)
        self.assertCanNotCreateAt(StandardPage, HomePage)

    def test_home_page_children(self):
        self.assertAllowedSubpageTypes(
            HomePage, {CourseIndexPage, HelpPage, StandardPage}
        )

    def test_help_page_under_home_only_and_has_no_children(self):
        self.assertAllowedParentPageTypes(HelpPage, {HomePage})
        self.assertAllowedSubpageTypes(HelpPage, set())

    def test_standard_pages_nest_under_home_and_each_other(self):
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanCreateAt(StandardPage, StandardPage)
        self.assertCanNotCreateAt(HelpPage, StandardPage)
        self.assertCanNotCreateAt(CoursePage, StandardPage)
        self.assertCanNotCreateAt(LessonPage, StandardPage)
