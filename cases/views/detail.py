"""The case page, its step forms and the branch's record-keeping actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from audit.models import ReadKind
from branches.models import Organization
from cases import forms, panels, permissions, presenters, selectors, services, standing, steps
from cases.models import CASE_EDIT_FIELDS, Material
from cases.views.throttle import limit_id_lookups
from cases.web import actor_for, read_refused


def _visible_case(request, pk):
    return get_object_or_404(
        selectors.cases_visible_to(request.user).select_related("person", "branch"), pk=pk
    )


def _gate(answer) -> None:
    """403 when the policy says this user may never do it here; a refusal for now (a report not
    yet arrived, a closed file) is the service's to explain, as a form error or a message."""
    if not answer and answer.forbidden:
        raise PermissionDenied(f"{answer.code} {answer.reason}".strip())


def _done(request, case, message):
    messages.success(request, message)
    if request.htmx:
        return HttpResponseClientRedirect(case.get_absolute_url())
    return redirect(case)


@require_GET
def case_detail(request, pk):
    return _case_page(request, _visible_case(request, pk))


def _case_page(request, case, upload_refused=None):
    """The case page; `upload_refused` ({"error", "title", "item", "step"}) re-shows a refused upload
    with what was typed (a file cannot be put back into a file input: only it is chosen again)."""
    context = presenters.case_page(case, request.user)
    context["upload_refused"] = upload_refused
    if upload_refused:
        context["upload_item"] = upload_refused["item"]
    context["panels"] = panels.render(panels.CASE_PAGE, request, case=case)
    for row in context["rows"]:
        if row.pending is not None:  # what others may do with the report, where it waits (the desk)
            row.panels = panels.render(panels.REPORT, request, case=case, report=row.pending)
    return render(request, "cases/case_detail.html", context)


@require_http_methods(["GET", "POST"])
@limit_id_lookups
def case_create(request):
    branches = selectors.opening_branches(request.user)
    if not branches:
        raise PermissionDenied(permissions.NO_OPENING)
    form = forms.CaseCreateForm(
        request.POST or None, branches=Organization.objects.filter(pk__in=[b.pk for b in branches])
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(
                branch=form.cleaned_data["branch"],
                person=form.person(),
                applied_on=form.cleaned_data["applied_on"],
                league_recommended_on=form.cleaned_data["league_recommended_on"],
                leaving_unit_on=form.cleaned_data["leaving_unit_on"],
                note=form.cleaned_data["note"],
                actor=actor_for(request),
            )
        except services.StepBlocked as exc:
            for finding in exc.findings:
                form.add_error(
                    "applied_on" if finding.code in ("E01", "E03") else None,
                    f"{finding.code} {finding.message}",
                )
        except services.InvalidInput as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已为{case.person.name}建档，并登记递交入党申请书。")
            return redirect(case)
    return render(request, "cases/case_form.html", {"form": form, "title": "新建案例（登记入党申请）"})


@require_http_methods(["GET", "POST"])
@limit_id_lookups
def case_edit(request, pk):
    case = _visible_case(request, pk)
    _gate(permissions.act_answer(request.user, case, permissions.Act.EDIT))
    person = case.person
    initial = {k: getattr(person, k) for k in forms.PersonFields.base_fields if k != "id_number"}
    initial.update({k: getattr(case, k) for k in CASE_EDIT_FIELDS})
    for key in ("is_migrant_worker", "is_dispatched", "is_taiwanese"):  # 是/否/待补充 as the form's values
        initial[key] = {True: "1", False: "0", None: ""}[initial[key]]
    form = forms.PersonEditForm(request.POST or None, initial=initial, current_id_number=person.id_number)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(
                case=case,
                changes=form.person_changes(),
                reason=form.cleaned_data["reason"],
                actor=actor_for(request),
                case_changes={k: form.cleaned_data[k] for k in CASE_EDIT_FIELDS},
            )
        except (services.InvalidInput, services.StepNotAllowed) as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, case, "人员信息已保存。")
    return render(
        request, "cases/case_form.html", {"form": form, "case": case, "title": f"修改人员信息：{person.name}"}
    )


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")  # the same address answers htmx with a partial
def step_form(request, pk, code):
    case = _visible_case(request, pk)
    step = steps.BY_CODE.get(code)
    if step is None:
        raise Http404
    waiting = permissions.pending_report(permissions.pending_reports(case), step.code)
    answer = permissions.step_answer(request.user, case, step, waiting)
    _gate(answer)
    body = services.meeting_body(case, step) if step.body else ""
    # The 党委会 already recorded that may decide: those of the organization the user acts in, when
    # the policy lets them record its meetings.
    acting = answer.grant.org if answer.grant else None
    committees = (
        [acting] if body and acting and permissions.meeting_answer(request.user, acting, body) else []
    )
    form = forms.StepForm(
        request.POST or None,
        request.FILES or None,
        step=step,
        case=case,
        body=body,
        committee_orgs=committees,
        initial={"on": timezone.localdate()},
    )
    warnings = []
    if request.method == "POST" and form.is_valid():
        try:
            services.perform_step(
                case=case, step_code=step.code, given=form.to_input(), actor=actor_for(request)
            )
        except services.StepBlocked as exc:
            form.add_error(None, [f"{f.code} {f.message}" for f in exc.findings])
        except services.WarningsNeedReason as exc:
            warnings = exc.findings
            form.ask_for_warning_reason()
            form.add_error("warning_reason", "存在预警事项，须填写记录说明后才能继续办理")
        except (services.StepNotAllowed, services.InvalidInput) as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, case, f"已办理「{step.name}」。")
    context = {
        "case": case,
        "step": step,
        "form": form,
        "warnings": warnings,
        "body": body,
        "status": standing.step_status(case, step),
        "body_label": {
            "branch_committee": "支部委员会",
            "branch_assembly": "支部党员大会",
            "party_committee": "党委会",
        }.get(body, ""),
    }
    # 200 on purpose for errors: htmx does not swap 4xx responses by default.
    template = "cases/step_form.html#form" if request.htmx else "cases/step_form.html"
    return render(request, template, context)


@require_POST
def submit(request, pk, code):
    case = _visible_case(request, pk)
    # The case page's button posts only the CSRF token: no date given means "today".
    data = request.POST if "on" in request.POST else {"on": timezone.localdate().isoformat()}
    form = forms.SubmitForm(data)
    if not form.is_valid():
        messages.error(request, "报送日期格式不正确")
        return redirect(case)
    # The button sits on the row of the step that needs the report (committee_talk travels with
    # admission_approval), so map the row's step to the kind of report.
    kind = steps.SUBMISSION_TARGET.get(code, code)
    try:
        services.submit(case=case, step_code=kind, on=form.cleaned_data["on"], actor=actor_for(request))
    except services.StepNotAllowed as exc:
        messages.error(request, str(exc))
        return redirect(case)
    return _done(request, case, f"已报送「{steps.get(kind).name}」。")


@require_POST
def publicity(request, pk):
    case = _visible_case(request, pk)
    form = forms.PublicityForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(case)
    try:
        services.record_publicity(case=case, actor=actor_for(request), **form.cleaned_data)
    except (services.StepNotAllowed, services.InvalidInput) as exc:
        messages.error(request, str(exc))
        return redirect(case)
    return _done(request, case, "已登记公示。")


@require_POST
def periodic_entry(request, pk, code):
    """Record a dated 考察 or 思想汇报 under step 6 or 21; back to the step's row."""
    case = _visible_case(request, pk)
    if code not in presenters.ENTRY_STEPS:
        raise Http404("该步骤不登记定期考察或思想汇报")
    _gate(permissions.act_answer(request.user, case, permissions.Act.ENTRY))
    back = f"{case.get_absolute_url()}#step-{code}"
    form = forms.PeriodicEntryForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(back)
    try:
        saved = services.record_periodic_entry(
            case=case, step_code=code, actor=actor_for(request), **form.cleaned_data
        )
    except (services.StepNotAllowed, services.InvalidInput) as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, f"已登记{saved.get_entry_display()}（{saved.on:%Y-%m-%d}）。")
    return HttpResponseClientRedirect(back) if request.htmx else redirect(back)


@require_POST
def upload(request, pk):
    case = _visible_case(request, pk)
    form = forms.MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_refused(
            request, case, form, "；".join(e for errs in form.errors.values() for e in errs)
        )
    try:
        services.upload_material(
            case=case,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
            step=form.cleaned_data["step"],
            item=form.cleaned_data["item"],
            actor=actor_for(request),
        )
    except services.InvalidInput as exc:
        return _upload_refused(request, case, form, str(exc))
    return _done(request, case, "材料已上传。")


def _upload_refused(request, case, form, error: str):
    typed = {key: form.data.get(key, "") for key in ("title", "item", "step")}
    return _case_page(request, case, upload_refused={"error": f"上传失败：{error}", **typed})


@require_POST
def waive(request, pk):
    """登记材料免交: which required material, and why."""
    case = _visible_case(request, pk)
    _gate(permissions.act_answer(request.user, case, permissions.Act.WAIVE))
    form = forms.WaiverForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(case)
    data = form.cleaned_data
    try:
        services.waive_material(
            case=case,
            step_code=data["step"],
            item=data["item"],
            reason=data["reason"],
            actor=actor_for(request),
        )
    except (services.StepNotAllowed, services.InvalidInput) as exc:
        messages.error(request, f"登记免交失败：{exc}")
        return redirect(case)
    return _done(request, case, "已登记材料免交。")


@require_GET
def material(request, pk):
    item = get_object_or_404(
        Material.objects.filter(case__in=selectors.cases_visible_to(request.user)), pk=pk
    )
    what = f"材料「{item.title}」（{item.original_name}）"
    if refused := read_refused(
        request, kind=ReadKind.MATERIAL, obj=item, what=what, back=item.case, case_id=item.case_id
    ):
        return refused
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)


def _confirm(request, case, form, *, action: str, title: str, button: str, template: str):
    """The confirmation of an irreversible action: what will happen, and the same values to post again."""
    context = {
        "case": case,
        "form": form,
        "confirming": True,
        "consequence": form.consequence(case),
        "action": action,
        "title": title,
        "button": button,
    }
    return render(request, template, context)


@require_POST
def outcome(request, pk):
    case = _visible_case(request, pk)
    form = forms.OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(case)
    _gate(permissions.act_answer(request.user, case, services.outcome_act(form.cleaned_data["outcome"])))
    if form.needs_confirmation:
        label = dict(form.fields["outcome"].choices)[form.cleaned_data["outcome"]]
        return _confirm(
            request,
            case,
            form,
            action=reverse("cases:outcome", args=[case.pk]),
            title=f"确认登记「{label}」：{case.person.name}",
            button=f"确认登记「{label}」",
            template="cases/confirm.html",
        )
    try:
        services.close_case(case=case, actor=actor_for(request), **form.service_arguments())
    except (services.StepNotAllowed, services.InvalidInput) as exc:
        messages.error(request, str(exc))
        return redirect(case)
    return _done(request, case, "已登记。")


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")  # the same address answers htmx with a partial
def transfer(request, pk):
    """The transfer form (its own page, or swapped into the case page), its confirmation and the
    transfer itself."""
    case = _visible_case(request, pk)
    _gate(permissions.act_answer(request.user, case, permissions.Act.TRANSFER))
    form = forms.TransferForm(request.POST or None, case=case)
    template = "cases/transfer_form.html#form" if request.htmx else "cases/transfer_form.html"
    if request.method == "POST" and form.is_valid():
        if form.needs_confirmation:
            return _confirm(
                request,
                case,
                form,
                action=reverse("cases:transfer", args=[case.pk]),
                title=f"组织关系转出：{case.person.name}",
                button="确认转出",
                template=template,
            )
        try:
            new = services.transfer_case(case=case, actor=actor_for(request), **form.service_arguments())
        except (services.StepNotAllowed, services.InvalidInput) as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, case, f"已转出至{new.branch.name}。")
    context = {"case": case, "form": form, "title": f"组织关系转出：{case.person.name}"}
    return render(request, template, context)


@require_POST
def reveal_id(request, pk):
    case = _visible_case(request, pk)
    number = services.reveal_id_number(case=case, actor=actor_for(request))
    return HttpResponse(f'<span class="font-monospace">{number}</span>')
