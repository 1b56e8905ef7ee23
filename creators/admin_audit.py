"""The admin's side of the audit rule (docs/interfaces.md §4.1): every add, change and delete of program
data made in ``/admin/`` writes one audit row, and the ledger's pages are read-only there.

Every app's admin imports these two mixins from here (``creators`` is the ground floor):
``AuditedAdmin`` for models the admin may edit, ``ReadOnlyAdmin`` for ledger rows that only services
(the console, the jobs) may write."""

from django.contrib import admin
from django.db import models, transaction
from django.forms import BaseFormSet, ModelForm

from .models import Creator
from .privacy import PERSONAL_FIELDS, REDACTED
from .services import audit_record


def _jsonable(value):
    """A form value as the audit row's JSON keeps it: related objects by primary key, files by name."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, models.fields.files.FieldFile):
        return value.name
    return value


def _creator_id(obj: models.Model) -> int | None:
    if isinstance(obj, Creator):
        return obj.pk
    return getattr(obj, "creator_id", None)


def _model_values(obj: models.Model) -> dict:
    """Every concrete field of ``obj`` (foreign keys as ids): what an added or deleted row held."""
    return _personal_out(obj, {f.attname: _jsonable(f.value_from_object(obj)) for f in obj._meta.concrete_fields})


def _personal_out(obj: models.Model, values: dict) -> dict:
    """A creator's personal fields are named but never kept: audit rows are append-only, so what they
    held could not be erased later (docs/privacy.md)."""
    if not isinstance(obj, Creator):
        return values
    return {name: REDACTED if name in PERSONAL_FIELDS else value for name, value in values.items()}


def _record_form(request, form: ModelForm, obj: models.Model, *, change: bool) -> None:
    """One row for a saved model form: on change, only the changed fields, before and after."""
    if change:
        changed = [name for name in form.changed_data if name in form.initial]
        if not changed:
            return
        before = _personal_out(obj, {name: _jsonable(form.initial[name]) for name in changed})
        after = _personal_out(obj, {name: _jsonable(form.cleaned_data.get(name)) for name in changed})
        action = "admin.change"
    else:
        before, after, action = None, _model_values(obj), "admin.add"
    audit_record(actor=request.user, action=action, target=obj, creator_id=_creator_id(obj), before=before,
                 after=after)  # fmt: skip


def _record_delete(request, obj: models.Model) -> None:
    audit_record(actor=request.user, action="admin.delete", target=obj, creator_id=_creator_id(obj),
                 before=_model_values(obj))  # fmt: skip


class AuditedAdmin(admin.options.BaseModelAdmin):
    """Writes one audit row per object the admin adds, changes or deletes — the page's own object and
    each inline row — in the same transaction as the write (``admin.add``, ``admin.change``,
    ``admin.delete``; before/after hold the changed fields' values)."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            _record_form(request, form, obj, change=change)

    def delete_model(self, request, obj):
        with transaction.atomic():
            _record_delete(request, obj)  # before the delete, while the row still has its id
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                _record_delete(request, obj)
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset: BaseFormSet, change):
        """Inline rows (requirements of a rule set, lessons of a course, …) are program data too."""
        with transaction.atomic():
            for inline_form in formset.deleted_forms:
                if inline_form.instance.pk is not None:
                    _record_delete(request, inline_form.instance)
            super().save_formset(request, form, formset, change)
            for obj in formset.new_objects:
                _record_form(request, _form_of(formset, obj), obj, change=False)
            for obj, _fields in formset.changed_objects:
                _record_form(request, _form_of(formset, obj), obj, change=True)


def _form_of(formset: BaseFormSet, obj: models.Model) -> ModelForm:
    return next(f for f in formset.forms if f.instance is obj)


class ReadOnlyAdmin(admin.options.BaseModelAdmin):
    """Ledger rows shown for support, never written from the admin, not even by a superuser: their
    changes go through the services (console, jobs) that keep the ledger and its audit trail whole."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
