from django.urls import path

from courses import views

urlpatterns = [
    path("mux/webhook/", views.mux_webhook, name="mux-webhook"),
    path("videos/<id:pk>/file", views.video_file, name="video-file"),
    path(
        "videos/<id:pk>/captions/<slug:language>.vtt",
        views.video_captions,
        name="video-captions",
    ),
]
