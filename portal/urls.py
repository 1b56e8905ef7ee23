"""Creator portal routes (interfaces §4: ``/``, ``/levels/``, ``/benefits/``, ``/benefits/<id>/claim/``)."""

from django.urls import path

from .views import academy, assistant, benefits, cases, home, inbox, levels, profile, tasks

urlpatterns = [
    path("", home.home, name="home"),
    path("levels/", levels.center, name="levels"),
    path("levels/refresh/", levels.refresh, name="levels-refresh"),
    path("benefits/", benefits.my_benefits, name="benefits"),
    path("benefits/<int:entitlement_id>/claim/", benefits.claim, name="benefit-claim"),
    path("benefits/<int:entitlement_id>/case/", cases.case_form, name="case-form"),
    path("cases/", cases.gallery, name="cases"),
    path("messages/", inbox.inbox, name="messages"),
    path("messages/read/", inbox.mark_read, name="messages-read"),
    path("academy/", academy.course_list, name="academy"),
    path("academy/<slug:code>/", academy.course_detail, name="course"),
    path("academy/lessons/<int:lesson_id>/watched/", academy.lesson_watched, name="lesson-watched"),
    path("tasks/", tasks.task_hall, name="tasks"),
    path("tasks/<slug:code>/", tasks.task_detail, name="task"),
    path("tasks/<slug:code>/join/", tasks.join, name="task-join"),
    path("profile/", profile.profile, name="profile"),
    path("profile/export/", profile.export, name="profile-export"),
    path("assistant/", assistant.assistant, name="assistant"),
]
