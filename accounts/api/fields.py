"""Serializer fields that look related objects up only among those the user may use."""

from collections.abc import Callable

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object by id, found only in `scope(user)`: an object the user may not see
    (or may not assign) answers "does not exist", exactly like a missing one."""

    def __init__(self, *, model: type[Model], scope: Callable[..., QuerySet], **kwargs):
        self.scope = scope
        # The empty queryset names the model for the schema; lookups go through get_queryset.
        super().__init__(queryset=model._default_manager.none(), **kwargs)

    def get_queryset(self) -> QuerySet:
        return self.scope(self.context["request"].user)

    def to_internal_value(self, data):
        kept = self._kept_value(data)
        return kept if kept is not None else super().to_internal_value(data)

    def _kept_value(self, data) -> Model | None:
        """The object the row being updated already holds: sending it back unchanged is not
        assigning it. A CS member who sees an account through `cs_owner` may not hand accounts
        to its owner's team, yet a PUT must carry the owner it read."""
        instance = getattr(self.parent, "instance", None)
        if instance is None or isinstance(data, bool) or len(self.source_attrs) != 1:
            return None
        current_pk = getattr(instance, f"{self.source}_id", None)
        if current_pk is None or str(current_pk) != str(data):
            return None
        return getattr(instance, self.source)


def visible(model: type[Model]) -> Callable[..., QuerySet]:
    """The scope of `model` rows the one visibility rule lets the user see."""
    return lambda user: model.objects.visible_to(user)


class FixedOnUpdate:
    """Fields a row keeps once created (its account above all): a request to change them is
    refused, not silently ignored, so a client never believes it moved a row."""

    fixed_on_update: tuple[str, ...] = ("account",)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None:
            changed = {
                name: _("This cannot change once the record exists.")
                for name in self.fixed_on_update
                if name in attrs and attrs[name] != getattr(self.instance, name)
            }
            if changed:
                raise serializers.ValidationError(changed)
        return attrs
