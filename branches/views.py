"""The account pages: change one's own password, enrol a phone as second factor, verify a code.

Each returns to `next` (checked by Django's RedirectURLMixin) or to the 工作台.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import RedirectURLMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView
from django_otp import login as otp_login

from branches import gate, services, two_factor
from branches.forms import CodeForm, OwnPasswordChangeForm


class _ReturnsToNext(RedirectURLMixin):
    next_page = "cases:dashboard"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, next=self.get_redirect_url())

    def with_next(self, url_name: str) -> str:
        query = self.request.GET.urlencode()
        return reverse(url_name) + (f"?{query}" if query else "")


class PasswordChangeView(_ReturnsToNext, auth_views.PasswordChangeView):
    template_name = "account/password_change.html"
    form_class = OwnPasswordChangeForm

    def form_valid(self, form):
        response = super().form_valid(form)  # saves, keeps this session signed in
        services.record_own_password_change(user=form.user)
        self.request.session.pop(gate.MUST_CHANGE_PASSWORD, None)
        messages.success(self.request, "密码已修改，请牢记新密码。")
        return response


class TwoFactorVerifyView(_ReturnsToNext, FormView):
    template_name = "account/two_factor_verify.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        self.device = two_factor.confirmed_device(request.user)
        if self.device is None:
            return redirect(self.with_next("account:two_factor_setup"))
        if request.user.is_verified():
            return redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        refusal = two_factor.check_code(self.device, form.cleaned_data["token"])
        if refusal:
            form.add_error("token", refusal)
            return self.form_invalid(form)
        otp_login(self.request, self.device)
        return redirect(self.get_success_url())


class TwoFactorSetupView(_ReturnsToNext, FormView):
    """Enrolment is open only to an account without a second factor: whoever knows only the password
    of an enrolled account cannot add a phone of their own."""

    template_name = "account/two_factor_setup.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        enrolled = two_factor.confirmed_device(request.user)
        if enrolled is not None:
            if not request.user.is_verified():
                return redirect(self.with_next("account:two_factor_verify"))
            return self.render_to_response({"enrolled": enrolled, "next": self.get_redirect_url()})
        self.device = two_factor.pending_device(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            qr_code=two_factor.qr_code_svg(self.device),
            key=two_factor.key_for_typing(self.device),
            required=two_factor.required_for(self.request.user),
        )

    def form_valid(self, form):
        refusal = two_factor.check_code(self.device, form.cleaned_data["token"])
        if refusal:
            form.add_error("token", refusal)
            return self.form_invalid(form)
        device = two_factor.confirm_enrolment(self.device)
        otp_login(self.request, device)
        self.request.session[gate.HAS_SECOND_FACTOR] = True
        messages.success(self.request, "已启用两步验证：今后每次登录都需要输入验证器上的 6 位数字。")
        return redirect(self.get_success_url())
