from django.urls import path

from . import views

app_name = "vouchers"

urlpatterns = [
    path("vouchers/", views.programme_list, name="programme_list"),
    # The fixed paths come before the programme's <slug>, which would otherwise take them.
    path("vouchers/mine/", views.my_vouchers, name="my_vouchers"),
    path("vouchers/mine/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("vouchers/redeem/", views.to_redeem, name="to_redeem"),
    # Codes are "KC-" and letters or digits: the slug converter refuses anything else.
    path("vouchers/redeem/<slug:code>/", views.redeem, name="redeem"),
    path("vouchers/<slug:slug>/", views.programme_detail, name="programme_detail"),
    path("vouchers/<slug:slug>/apply/", views.apply, name="apply"),
]
