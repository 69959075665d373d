"""Form fields the staff pages share, and what a person typed in a form that was not saved."""
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def typed_text(form):
    """What the person wrote in a form that was not saved (a colleague acted first), to give it back to them."""
    return [(field.label.text, field.data) for field in form
            if field.type in ("StringField", "TextAreaField") and field.data]
