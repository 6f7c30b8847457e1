from django.db import migrations, models

from courses.captions import transcript_of


def fill_transcripts(apps, schema_editor):
    """Transcripts of the caption files uploaded before they were kept."""
    VideoCaption = apps.get_model("courses", "VideoCaption")
    for caption in VideoCaption.objects.exclude(file="").iterator():
        text = transcript_of(caption.file)
        if text:
            VideoCaption.objects.filter(pk=caption.pk).update(transcript=text)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_coursereviewtask"),
    ]

    operations = [
        migrations.AddField(
            model_name="videocaption",
            name="transcript",
            field=models.TextField(
                blank=True, editable=False, verbose_name="transcript"
            ),
        ),
        migrations.RunPython(fill_transcripts, migrations.RunPython.noop),
    ]
