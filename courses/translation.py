from modeltranslation.translator import TranslationOptions, register

from courses.models import CourseIndexPage, CoursePage, LessonPage, Video


@register(CourseIndexPage)
class CourseIndexPageTR(TranslationOptions):
    fields = ("intro",)


@register(CoursePage)
class CoursePageTR(TranslationOptions):
    fields = ("summary", "audience")


@register(LessonPage)
class LessonPageTR(TranslationOptions):
    fields = ("summary", "body")


@register(Video)
class VideoTR(TranslationOptions):
    fields = ("title",)
