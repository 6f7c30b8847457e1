"""Test data for users."""

import factory

from lms.models import User

# Valid IINs (checksum correct) for tests and demos; see tests/lms/test_iin.py.
VALID_IINS = ["791028302728", "061211600012", "900101300811"]


class UserFactory(factory.django.DjangoModelFactory):
    """A learner with a password of "pass-word-123" and, optionally, an IIN."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"learner{n}@example.kz")
    first_name = "Айгерім"
    last_name = "Бекова"
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def iin(obj, create, extracted, **kwargs):
        if extracted:
            obj.set_iin(extracted)
        if create:
            obj.save()
