from django.urls import path

from courses import views

urlpatterns = [
    path("mux/webhook/", views.mux_webhook, name="mux-webhook"),
    # Set up in Mux's dashboard without the slash, the address would answer with a
    # redirect, which Mux does not follow: its events would be lost.
    path("mux/webhook", views.mux_webhook),
    path("videos/<id:pk>/file", views.video_file, name="video-file"),
    path(
        "videos/<id:pk>/captions/<slug:language>.vtt",
        views.video_captions,
        name="video-captions",
    ),
]
