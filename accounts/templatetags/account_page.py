"""Template helpers for the account pages: panels from higher apps, NPS categories."""

from django import template

from accounts.nps import NPSCategory, nps_category

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context, panel):
    """The panel's template, seeing the page's context plus the panel's own (and `panel`)."""
    panel_template = context.template.engine.get_template(panel.template)
    with context.push(panel=panel, **panel.context):
        return panel_template.render(context)


@register.filter
def nps_badge_class(score: int | None) -> str:
    """The Bootstrap badge colour of an NPS answer's category."""
    if score is None:
        return "text-bg-light"
    return {
        NPSCategory.PROMOTER: "text-bg-success",
        NPSCategory.PASSIVE: "text-bg-secondary",
        NPSCategory.DETRACTOR: "text-bg-danger",
    }[nps_category(score)]


@register.filter
def nps_category_label(score: int | None) -> str:
    return "" if score is None else str(nps_category(score).label)
