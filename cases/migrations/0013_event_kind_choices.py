"""CaseEvent.kind names its choices (EventKind, issue 9 item 6): no change to the stored values."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0012_step_people_as_recorded'),
    ]

    operations = [
        migrations.AlterField(
            model_name='caseevent',
            name='kind',
            field=models.CharField(choices=[('open', '建档'), ('edit', '修改人员信息'), ('step', '办理步骤'), ('publicity', '公示'), ('material', '上传材料'), ('submit', '报送'), ('review', '审议'), ('return', '退回'), ('outcome', '结果'), ('letter', '批复/回执')], max_length=30, verbose_name='事件'),
        ),
    ]
