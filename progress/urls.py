from django.urls import path

from progress import views

app_name = "progress"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/region/", views.region, name="region"),
    path("couple/", views.couple, name="couple"),
    path("couple/invite/", views.invite, name="invite"),
    path("couple/<id:pk>/accept/", views.accept, name="accept"),
    path("couple/<id:pk>/decline/", views.decline, name="decline"),
    path("couple/<id:pk>/cancel/", views.cancel, name="cancel"),
    path("couple/blocked/<id:pk>/unblock/", views.unblock, name="unblock"),
    path("couple/unlink/", views.unlink, name="unlink"),
]
