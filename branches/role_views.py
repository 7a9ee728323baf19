"""The role screen (who holds which role where; grant, revoke), a user's roles, and one's own roles
with their delegations (代理). Thin: scope through cases.permissions.role_admin_orgs (403 without it,
404 for what lies outside it), one service per write (branches.services), render."""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from branches import selectors, services
from branches.forms import DelegationForm, EndDelegationForm, GrantForm, RevokeForm, RoleFilterForm
from branches.models import Delegation, Role
from branches.permissions import grant_row, grant_rows, own_grants, role_grants
from cases.permissions import NO_ROLE_ADMIN, role_admin_orgs
from cases.web import paginate


def _scope(user):
    """The organizations the user keeps roles on, or 403."""
    roots = role_admin_orgs(user)
    if roots == []:
        raise PermissionDenied(NO_ROLE_ADMIN)
    return selectors.organizations_under(roots)


def _fail(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


@require_http_methods(["GET", "POST"])
def index(request):
    orgs = _scope(request.user)
    filters = RoleFilterForm(request.GET or None, orgs=orgs, auto_id="filter_%s")
    grant_form = GrantForm(
        request.POST or None, orgs=orgs, users=selectors.role_users(role_admin_orgs(request.user))
    )
    if request.method == "POST" and grant_form.is_valid():
        data = grant_form.cleaned_data
        try:
            services.grant_role(
                user=data["user"],
                role=data["role"],
                org=data["org"],
                actor=request.user,
                reason=data["reason"],
            )
        except ValidationError as exc:
            _fail(grant_form, exc)
        else:
            messages.success(
                request, f"已授予{data['user']}「{Role(data['role']).label}」角色（{data['org'].name}）。"
            )
            return redirect("roles:index")
    f = filters.cleaned_data if filters.is_valid() else {}
    shown = selectors.organizations_under([f["org"]]) if f.get("org") else orgs  # chosen within orgs
    role = Role(f["role"]) if f.get("role") else None
    rows = grant_rows(shown, search=f.get("q", ""), role=role)
    context = {
        "filters": filters,
        "grant_form": grant_form,
        "page": paginate(request, rows),
        "query": request.GET.copy().urlencode() if request.GET else "",
        "delegations": selectors.delegations_current(shown, search=f.get("q", ""))[:200],
        "revoke_form": RevokeForm(),
    }
    return render(request, "branches/roles.html", context)


@require_POST
def revoke(request, pk: int):
    grant = grant_row(pk, _scope(request.user))
    if grant is None:
        raise Http404("没有该授权")
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.revoke_role(grant=grant, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已撤销该角色。")
    else:
        messages.error(
            request, "撤销失败：" + "；".join(e for errors in form.errors.values() for e in errors)
        )
    back = request.POST.get("back", "")
    return redirect(back if _BACK.fullmatch(back) else "roles:index")


# Where a revoke may send the user back to: a page of the role screens (no other host, no control
# character that would break the Location header).
_BACK = re.compile(r"/roles/[\w/?=&%.+-]*")


def user_roles(request, pk: int):
    roots = role_admin_orgs(request.user)
    if roots == []:
        raise PermissionDenied(NO_ROLE_ADMIN)
    person = selectors.role_user_visible(roots, pk)
    if person is None:
        raise Http404("没有该用户")
    orgs = selectors.organizations_under(roots)
    context = {
        "person": person,
        "grants": grant_rows(orgs, users=[person]),
        "delegations": selectors.delegations_of(person).filter(org__in=orgs),
        "revoke_form": RevokeForm(),
    }
    return render(request, "branches/user_roles.html", context)


@require_http_methods(["GET", "POST"])
def mine(request):
    grants = own_grants(request.user)
    delegates = selectors.role_users(selectors.county_roots(grants)).exclude(pk=request.user.pk)
    form = DelegationForm(request.POST or None, grants=grants, users=delegates)
    if request.method == "POST" and form.is_valid():
        data, grant = form.cleaned_data, form.chosen_grant()
        try:
            services.delegate_role(
                delegator=request.user,
                delegate=data["delegate"],
                role=grant.role,
                org=grant.org,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, f"已委托{data['delegate']}代理「{grant.label}」。")
            return redirect("roles:mine")
    context = {
        "grants": grants,
        "acting": [g for g in role_grants(request.user) if g.delegated],
        "form": form,
        "delegations": selectors.delegations_of(request.user),
        "end_form": EndDelegationForm(),
    }
    return render(request, "branches/my_roles.html", context)


@require_POST
def end_delegation(request, pk: int):
    delegation = get_object_or_404(Delegation.objects.select_related("org"), pk=pk)
    mine = request.user.pk in (delegation.delegator_id, delegation.delegate_id)
    if not mine:
        roots = role_admin_orgs(request.user)
        if (
            roots is not None
            and not selectors.organizations_under(roots).filter(pk=delegation.org_id).exists()
        ):
            raise Http404("没有该代理")
    form = EndDelegationForm(request.POST)
    if form.is_valid():
        try:
            services.end_delegation(
                delegation=delegation, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "代理已提前结束。")
    else:
        messages.error(request, "请填写提前结束理由。")
    return redirect("roles:mine" if mine else "roles:index")
