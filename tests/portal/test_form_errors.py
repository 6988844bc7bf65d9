"""The error summary at the top of a form counts exactly what it lists (issue 18, item 2)."""

import re

from django import forms
from django.template.loader import render_to_string
from django.utils import translation


class Problems(forms.Form):
    name = forms.CharField(max_length=10)
    email = forms.EmailField()
    secret = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_name(self):
        raise forms.ValidationError(["First problem of the name.", "Second problem of the name."])

    def clean(self):
        self.add_error(None, "The first problem of the whole form.")
        self.add_error(None, "The second problem of the whole form.")
        self.add_error("secret", "A problem of a hidden field.")
        return self.cleaned_data


def summary_of(form):
    with translation.override("en"):
        html = render_to_string("companies/_error_summary.html", {"form": form})
    title = re.search(r"<h2[^>]*>(.*?)</h2>", html).group(1)
    items = re.findall(r"<li>(.*?)</li>", html)
    return title, items


def test_the_summary_counts_every_error_it_lists():
    form = Problems(data={"name": "x", "email": "not an address"})
    title, items = summary_of(form)
    # Two of the form, two of the name, one of the email, one of the hidden field.
    assert title == "Please correct 6 errors."
    assert len(items) == 6
    assert items[:2] == [
        "The first problem of the whole form.",
        "The second problem of the whole form.",
    ]
    name_items = [item for item in items if 'href="#id_name"' in item]
    assert [item.split("</a>: ")[1] for item in name_items] == [
        "First problem of the name.",
        "Second problem of the name.",
    ]
    assert any("Enter a valid email address." in item for item in items)
    # A hidden field has nothing to link to: its message stands alone.
    assert "A problem of a hidden field." in items


def test_two_form_errors_and_two_field_errors_make_four():
    class Four(forms.Form):
        a = forms.IntegerField()
        b = forms.IntegerField()

        def clean(self):
            self.add_error(None, "One.")
            self.add_error(None, "Two.")

    title, items = summary_of(Four(data={"a": "x", "b": "y"}))
    assert title == "Please correct 4 errors."
    assert len(items) == 4


def test_one_error_is_counted_in_the_singular_in_dutch():
    class One(forms.Form):
        a = forms.IntegerField()

    with translation.override("nl"):
        html = render_to_string("companies/_error_summary.html", {"form": One(data={})})
    assert "Verbeter 1 fout." in html, html
    assert html.count("<li>") == 1


def test_a_valid_form_has_no_summary():
    class Fine(forms.Form):
        a = forms.IntegerField()

    assert (
        render_to_string("companies/_error_summary.html", {"form": Fine(data={"a": "1"})}).strip()
        == ""
    )
