from tests.lms.test_user_admin import staff_client  # noqa
from lms.models import User

def test_dbg(staff_client):
    r = staff_client.post("/admin/users/add/", {"email": "editor@example.kz","first_name": "Editor","last_name": "One","password1": "Long-pass-phrase-42","password2": "Long-pass-phrase-42","is_active": "on"})
    print(r.status_code, r.get("Location"))
    print(list(User.objects.values("email", "iin_hash")))
