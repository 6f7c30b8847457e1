from django.urls import path

from progress import views

app_name = "progress"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/region/", views.region, name="region"),
    path("couple/", views.couple, name="couple"),
    path("couple/invite/", views.invite, name="invite"),
    path("couple/<int:pk>/accept/", views.accept, name="accept"),
    path("couple/<int:pk>/decline/", views.decline, name="decline"),
    path("couple/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("couple/blocked/<int:pk>/unblock/", views.unblock, name="unblock"),
    path("couple/unlink/", views.unlink, name="unlink"),
]
