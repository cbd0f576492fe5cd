from django.urls import path, re_path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    re_path(
        r"^templates/(?P<kind>[a-z]+)\.(?P<extension>csv|xlsx)$",
        views.template,
        name="template",
    ),
]
