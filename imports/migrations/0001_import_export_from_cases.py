"""ImportBatch and ExportLog, taken over from cases in the state only: their tables keep their names
(cases_importbatch, cases_exportlog) and their rows. The content types follow them, so permissions
and admin log entries on them still point at the right model."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("importbatch", "exportlog")


def _content_types_moved(from_label: str, to_label: str):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        rows = ContentType.objects.using(schema_editor.connection.alias)
        for model in MOVED:
            if not rows.filter(app_label=to_label, model=model).exists():
                rows.filter(app_label=from_label, model=model).update(app_label=to_label)

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0014_import_export_moved_to_imports_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        ('branches', '0003_names_single_line'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ExportLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(default='web', max_length=20, verbose_name='来源')),
                        ('kind', models.CharField(choices=[('case_list', '案例列表'), ('stage_roster', '花名册'), ('template', '导入模板格式'), ('member_roster', '党员名册')], max_length=20, verbose_name='导出内容')),
                        ('filters', models.JSONField(blank=True, default=dict, verbose_name='筛选条件')),
                        ('row_count', models.PositiveIntegerField(default=0, verbose_name='行数')),
                        ('full_id_numbers', models.BooleanField(default=False, verbose_name='含完整公民身份号码')),
                        ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='时间')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                    ],
                    options={
                        'verbose_name': '导出记录',
                        'verbose_name_plural': '导出记录',
                        'db_table': 'cases_exportlog',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ImportBatch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(default='web', max_length=20, verbose_name='来源')),
                        ('file_name', models.CharField(max_length=255, verbose_name='文件名')),
                        ('size', models.PositiveIntegerField(verbose_name='大小（字节）')),
                        ('sha256', models.CharField(db_index=True, max_length=64, verbose_name='SHA-256')),
                        ('stored_path', models.CharField(blank=True, max_length=255, verbose_name='存储路径')),
                        ('dry_run', models.BooleanField(default=True, verbose_name='仅检查')),
                        ('mode', models.CharField(blank=True, choices=[('all_or_nothing', '全部导入或全部不导入'), ('valid_only', '仅导入无错误的行')], max_length=20, verbose_name='导入方式')),
                        ('status', models.CharField(choices=[('pending', '排队等待检查'), ('checking', '检查中'), ('rejected', '文件无法导入'), ('checked', '已检查（未写入）'), ('queued', '排队等待导入'), ('running', '导入中'), ('imported', '已导入'), ('failed', '未导入（整批未写入）')], max_length=20, verbose_name='状态')),
                        ('rows_total', models.PositiveIntegerField(default=0, verbose_name='数据行数')),
                        ('rows_valid', models.PositiveIntegerField(default=0, verbose_name='无错误行数')),
                        ('rows_invalid', models.PositiveIntegerField(default=0, verbose_name='有错误行数')),
                        ('rows_skipped', models.PositiveIntegerField(default=0, verbose_name='已导入过（跳过）行数')),
                        ('rows_warned', models.PositiveIntegerField(default=0, verbose_name='有预警行数')),
                        ('rows_imported', models.PositiveIntegerField(default=0, verbose_name='实际导入行数')),
                        ('rows_checked', models.PositiveIntegerField(default=0, verbose_name='已检查行数')),
                        ('alive_until', models.DateTimeField(blank=True, help_text='排队或处理中的批次过了此时仍无进展，即视为处理中断', null=True, verbose_name='最迟进展时间')),
                        ('warning_reason', models.TextField(blank=True, verbose_name='预警说明')),
                        ('error', models.TextField(blank=True, verbose_name='错误')),
                        ('report', models.JSONField(blank=True, default=list, verbose_name='逐行报告')),
                        ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='时间')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                        ('default_branch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='branches.organization', verbose_name='默认党支部')),
                        ('preview_of', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='imports', to='imports.importbatch', verbose_name='所依据的检查')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                    ],
                    options={
                        'verbose_name': '导入批次',
                        'verbose_name_plural': '导入批次',
                        'db_table': 'cases_importbatch',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(_content_types_moved("cases", "imports"), _content_types_moved("imports", "cases")),
    ]
