"""Admin: organizations with their rosters and role grants, and users, whose passwords set here
are temporary (the owner must replace them at the next login, branches/gate.py).

A roster member whom any step record names is never deleted — 停用 (deactivate) instead — and
renaming one changes no past record (cases keep the people as recorded, cases.models.StepRecordPerson).

Locked-out logins are unlocked by deleting their rows under Axes → Access attempts (django-axes'
own admin) or with `manage.py axes_reset_username NAME`; a lost phone by deleting the user's
TOTP device (django-otp's admin).
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from branches import services
from branches.forms import AdminLoginForm
from branches.models import AccountSecurity, Locality, Organization, PartyMember
from branches.selectors import is_named_on_records


class PartyMemberInline(admin.TabularInline):
    """Members are added and edited here; untick 在册 to deactivate. No delete box: a member
    named on a record can only be deactivated (the member's own page deletes unnamed ones)."""

    model = PartyMember
    extra = 0
    fields = ("name", "status", "sanction", "sanction_until", "active")
    can_delete = False


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    """Roles are granted and revoked on the role screen (/roles/, 角色管理), with a reason, through
    branches.services — not here: the admin has no raw per-object permission grid."""

    list_display = ("name", "code", "kind", "parent", "can_approve", "locality")
    list_filter = ("kind", "can_approve", "locality")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)
    inlines = [PartyMemberInline]
    actions = ["mark_township", "mark_village", "mark_neither"]

    def _mark(self, request, queryset, locality: Locality):
        changed = services.mark_locality(queryset, locality=locality, actor=request.user)
        self.message_user(request, f"已将 {changed} 个党组织标注为「{locality.label}」。")

    @admin.action(description="标注所选党组织为「乡（镇）」", permissions=["change"])
    def mark_township(self, request, queryset):
        self._mark(request, queryset, Locality.TOWNSHIP)

    @admin.action(description="标注所选党组织为「建制村」", permissions=["change"])
    def mark_village(self, request, queryset):
        self._mark(request, queryset, Locality.VILLAGE)

    @admin.action(description="标注所选党组织为「不属于乡（镇）、建制村」", permissions=["change"])
    def mark_neither(self, request, queryset):
        self._mark(request, queryset, Locality.NEITHER)


@admin.register(PartyMember)
class PartyMemberAdmin(SimpleHistoryAdmin):
    list_display = ("name", "branch", "status", "sanction", "sanction_until", "active")
    list_filter = ("status", "sanction", "active")
    search_fields = ("name", "branch__name")
    autocomplete_fields = ("branch",)
    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and is_named_on_records(obj):
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description="停用所选党员（已记录的步骤仍保留其姓名）", permissions=["change"])
    def deactivate(self, request, queryset):
        changed = services.deactivate_members(queryset, actor=request.user)
        self.message_user(request, f"已停用 {changed} 名党员；他们不再出现在新步骤的候选名单中。")


class AdminSetPasswordForm(AdminPasswordChangeForm):
    """「修改密码」 on a user's admin page: the password set here must be replaced by its owner."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit and user.has_usable_password():
            services.require_password_change(user=user)
        return user


class AccountSecurityInline(admin.StackedInline):
    model = AccountSecurity
    can_delete = False
    readonly_fields = ("must_change_password", "password_set_by_admin_at")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


User = get_user_model()
admin.site.unregister(User)

# The admin speaks Chinese: its titles, and the apps that come with their English names.
admin.site.login_form = AdminLoginForm
admin.site.site_header = "发展党员全程纪实 · 管理后台"
admin.site.site_title = "发展党员全程纪实"
admin.site.index_title = "系统管理"
for label, name in {"axes": "登录锁定记录", "otp_totp": "动态口令设备", "guardian": "对象权限"}.items():
    if label in apps.app_configs:
        apps.get_app_config(label).verbose_name = name
# Models of those apps whose names are not marked for translation (django-otp writes them in
# English); names only, as the app names above: the database and migrations do not read them.
for label, name in {
    "otp_totp.TOTPDevice": "动态口令设备",
    "guardian.UserObjectPermission": "用户对象权限",
    "guardian.GroupObjectPermission": "用户组对象权限",
}.items():
    app_label, _, model_name = label.partition(".")
    if app_label in apps.app_configs:
        meta = apps.get_model(label)._meta
        meta.verbose_name = meta.verbose_name_plural = name

_ACTIONS = {"add": "新增", "change": "修改", "delete": "删除", "view": "查看"}


def permission_label(permission) -> str:
    """「可修改 党组织」 for Django's 「Can change 党组织」; custom permissions keep their own names."""
    action, _, _ = permission.codename.partition("_")
    model = permission.content_type.model_class()
    if action in _ACTIONS and model is not None and permission.name.startswith("Can "):
        return f"可{_ACTIONS[action]}「{model._meta.verbose_name}」"
    return permission.name


class PermissionLabels:
    """Permission pickers list 「可修改「党组织」」, not the stored English 「Can change …」."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("user_permissions", "permissions"):
            field.label_from_instance = permission_label
        return field


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(PermissionLabels, GroupAdmin):
    pass


@admin.register(User)
class AccountAdmin(PermissionLabels, UserAdmin):
    """Accounts are deactivated (untick 有效), never deleted: a user's name is on sealed history rows,
    which the database refuses to change."""

    change_password_form = AdminSetPasswordForm
    actions = None

    def has_delete_permission(self, request, obj=None):
        return False

    def get_inlines(self, request, obj):
        return [AccountSecurityInline] if obj is not None else []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():  # a new account: its first password is the admin's
            services.require_password_change(user=obj)
