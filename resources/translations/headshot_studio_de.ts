<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About Headshot Studio</source>
        <translation>Über Headshot Studio</translation>
    </message>
    <message>
        <source>Professional headshots from your selfies, made on this PC.</source>
        <translation>Professionelle Porträts aus Ihren Selfies, erstellt auf diesem PC.</translation>
    </message>
    <message>
        <source>Everything runs on this computer: nothing is uploaded, and the app never goes online.</source>
        <translation>Alles läuft auf diesem Computer: Nichts wird hochgeladen, und die App geht nie online.</translation>
    </message>
    <message>
        <source>{version} (installed build)</source>
        <translation>{version} (installierte Version)</translation>
    </message>
    <message>
        <source>{version} (from source)</source>
        <translation>{version} (aus dem Quellcode)</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>Grafikkarte</translation>
    </message>
    <message>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <source>Your data</source>
        <translation>Ihre Daten</translation>
    </message>
    <message>
        <source>No base model yet</source>
        <translation>Noch kein Basismodell</translation>
    </message>
    <message>
        <source>base model</source>
        <translation>Basismodell</translation>
    </message>
    <message>
        <source>import one on the Welcome page</source>
        <translation>auf der Willkommensseite importieren</translation>
    </message>
    <message>
        <source>This installation</source>
        <translation>Diese Installation</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Used for</source>
        <translation>Verwendet für</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Lizenz</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>Software</source>
        <translation>Software</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>Details kopieren</translation>
    </message>
    <message>
        <source>Copy versions and licences, e.g. for a support request</source>
        <translation>Versionen und Lizenzen kopieren, z. B. für eine Supportanfrage</translation>
    </message>
</context>
<context>
    <name>AddClientDialog</name>
    <message>
        <source>More photos for {name}</source>
        <translation>Weitere Fotos für {name}</translation>
    </message>
    <message>
        <source>Add a client</source>
        <translation>Kunden hinzufügen</translation>
    </message>
    <message>
        <source>The client&apos;s name, as their files will be named</source>
        <translation>Der Name des Kunden, so heißen auch seine Dateien</translation>
    </message>
    <message>
        <source>Client name</source>
        <translation>Name des Kunden</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Photos:</source>
        <translation>Fotos:</translation>
    </message>
    <message>
        <source>Styles:</source>
        <translation>Stile:</translation>
    </message>
    <message>
        <source>Use these styles for every waiting client too</source>
        <translation>Diese Stile auch für alle wartenden Kunden verwenden</translation>
    </message>
    <message>
        <source>The photos are copied into the studio and checked at once: the client sees the verdicts before they leave.</source>
        <translation>Die Fotos werden ins Studio kopiert und sofort geprüft: Der Kunde sieht das Ergebnis, bevor er geht.</translation>
    </message>
    <message>
        <source>Check photos and add</source>
        <translation>Fotos prüfen und hinzufügen</translation>
    </message>
    <message>
        <source>Check photos again</source>
        <translation>Fotos erneut prüfen</translation>
    </message>
    <message>
        <source>Choose a folder or card…</source>
        <translation>Ordner oder Speicherkarte wählen …</translation>
    </message>
    <message>
        <source>Choose photos…</source>
        <translation>Fotos wählen …</translation>
    </message>
    <message>
        <source> images</source>
        <translation> Bilder</translation>
    </message>
    <message>
        <source>Images of {style}</source>
        <translation>Bilder im Stil {style}</translation>
    </message>
    <message>
        <source>The client&apos;s photos: a folder or a camera card</source>
        <translation>Die Fotos des Kunden: ein Ordner oder eine Kamerakarte</translation>
    </message>
    <message>
        <source>The client&apos;s photos</source>
        <translation>Die Fotos des Kunden</translation>
    </message>
    <message>
        <source>Photos (*.jpg *.jpeg *.png *.heic *.heif *.webp *.tif *.tiff)</source>
        <translation>Fotos (*.jpg *.jpeg *.png *.heic *.heif *.webp *.tif *.tiff)</translation>
    </message>
    <message>
        <source>None added: the client&apos;s photos are checked again as they are.</source>
        <translation>Keine hinzugefügt: Die Fotos des Kunden werden so, wie sie sind, erneut geprüft.</translation>
    </message>
    <message>
        <source>None yet: choose a folder, a camera card or photos, or drop them here.</source>
        <translation>Noch keine: Wählen Sie einen Ordner, eine Kamerakarte oder Fotos, oder ziehen Sie sie hierher.</translation>
    </message>
    <message>
        <source>{count} photos, from {folder}</source>
        <translation>{count} Fotos aus {folder}</translation>
    </message>
</context>
<context>
    <name>AppController</name>
    <message>
        <source>and {count} more.</source>
        <translation>und {count} weitere.</translation>
    </message>
    <message>
        <source>{count} files were not added:</source>
        <translation>{count} Dateien wurden nicht hinzugefügt:</translation>
    </message>
    <message>
        <source>Adding photos…</source>
        <translation>Fotos werden hinzugefügt …</translation>
    </message>
    <message>
        <source>Start or open a session first.</source>
        <translation>Starten oder öffnen Sie zuerst eine Sitzung.</translation>
    </message>
    <message>
        <source>No base model is installed. Import one on the Welcome page.</source>
        <translation>Es ist kein Basismodell installiert. Importieren Sie eines auf der Willkommensseite.</translation>
    </message>
    <message>
        <source>Still checking this computer…</source>
        <translation>Dieser Computer wird noch geprüft …</translation>
    </message>
    <message>
        <source>Still checking your photos…</source>
        <translation>Ihre Fotos werden noch geprüft …</translation>
    </message>
    <message>
        <source>Add your photos first.</source>
        <translation>Fügen Sie zuerst Ihre Fotos hinzu.</translation>
    </message>
    <message>
        <source>A run is in progress.</source>
        <translation>Ein Durchlauf ist im Gange.</translation>
    </message>
    <message>
        <source>Ready to create your headshots.</source>
        <translation>Bereit, Ihre Porträts zu erstellen.</translation>
    </message>
</context>
<context>
    <name>CreatePage</name>
    <message>
        <source>working out the time left…</source>
        <translation>verbleibende Zeit wird berechnet …</translation>
    </message>
    <message>
        <source>less than a minute left</source>
        <translation>weniger als eine Minute übrig</translation>
    </message>
    <message>
        <source>about a minute left</source>
        <translation>noch etwa eine Minute</translation>
    </message>
    <message>
        <source>about {left} minutes left</source>
        <translation>noch etwa {left} Minuten</translation>
    </message>
    <message>
        <source>about {left} of {total} minutes left</source>
        <translation>noch etwa {left} von {total} Minuten</translation>
    </message>
    <message>
        <source>Create your headshots</source>
        <translation>Ihre Porträts erstellen</translation>
    </message>
    <message>
        <source>See the gallery</source>
        <translation>Zur Galerie</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>The technical settings of this run, and the log</source>
        <translation>Die technischen Einstellungen dieses Durchlaufs und das Protokoll</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop within seconds; everything finished so far is kept</source>
        <translation>Innerhalb von Sekunden anhalten; alles bisher Fertige bleibt erhalten</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Learn your face and make the headshots (this takes a while)</source>
        <translation>Ihr Gesicht lernen und die Porträts erstellen (das dauert eine Weile)</translation>
    </message>
    <message>
        <source>Nothing is running.</source>
        <translation>Es läuft nichts.</translation>
    </message>
    <message>
        <source>Press Start when you are ready. You can use the computer for other things meanwhile; it will not go to sleep until the headshots are done.</source>
        <translation>Klicken Sie auf „Starten“, wenn Sie so weit sind. Sie können den Computer währenddessen für anderes nutzen; er geht nicht in den Ruhezustand, bis die Porträts fertig sind.</translation>
    </message>
    <message>
        <source>Whole run</source>
        <translation>Gesamter Durchlauf</translation>
    </message>
    <message>
        <source>The latest image appears here.</source>
        <translation>Hier erscheint das neueste Bild.</translation>
    </message>
    <message>
        <source>Latest image</source>
        <translation>Neuestes Bild</translation>
    </message>
    <message>
        <source>Images made so far</source>
        <translation>Bisher erstellte Bilder</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Copy log</source>
        <translation>Protokoll kopieren</translation>
    </message>
    <message>
        <source>Copy the log, e.g. to send to support</source>
        <translation>Das Protokoll kopieren, z. B. um es an den Support zu senden</translation>
    </message>
    <message>
        <source>Start is ready once this is done.</source>
        <translation>„Starten“ ist verfügbar, sobald dies erledigt ist.</translation>
    </message>
    <message>
        <source>Ready to create your headshots.</source>
        <translation>Bereit, Ihre Porträts zu erstellen.</translation>
    </message>
    <message>
        <source>about a minute</source>
        <translation>etwa eine Minute</translation>
    </message>
    <message>
        <source>about {minutes} minutes</source>
        <translation>etwa {minutes} Minuten</translation>
    </message>
    <message>
        <source>Your {card} ({memory} GB): {duration} for {count} headshots.</source>
        <translation>Ihre {card} ({memory} GB): {duration} für {count} Porträts.</translation>
    </message>
    <message>
        <source>Your graphics card: {duration} for {count} headshots.</source>
        <translation>Ihre Grafikkarte: {duration} für {count} Porträts.</translation>
    </message>
    <message>
        <source>This computer&apos;s processor: {duration} for {count} headshots.</source>
        <translation>Prozessor dieses Computers: {duration} für {count} Porträts.</translation>
    </message>
    <message>
        <source>{count} headshots in 1 style.</source>
        <translation>{count} Porträts in 1 Stil.</translation>
    </message>
    <message>
        <source>{count} headshots in {styles} styles.</source>
        <translation>{count} Porträts in {styles} Stilen.</translation>
    </message>
    <message>
        <source>The computer stays awake until they are done; you can cancel at any time and continue later.</source>
        <translation>Der Computer bleibt wach, bis sie fertig sind; Sie können jederzeit abbrechen und später weitermachen.</translation>
    </message>
    <message>
        <source>This computer: {device}. Model: {model}. Settings: {plan}.</source>
        <translation>Dieser Computer: {device}. Modell: {model}. Einstellungen: {plan}.</translation>
    </message>
    <message>
        <source>Started.</source>
        <translation>Gestartet.</translation>
    </message>
    <message>
        <source>{percent} %</source>
        <translation>{percent} %</translation>
    </message>
    <message>
        <source>{stage} — {left}</source>
        <translation>{stage} – {left}</translation>
    </message>
    <message>
        <source>(loss {value})</source>
        <translation>(Loss {value})</translation>
    </message>
    <message>
        <source>Image {number}</source>
        <translation>Bild {number}</translation>
    </message>
    <message>
        <source>{stage}: {state}</source>
        <translation>{stage}: {state}</translation>
    </message>
    <message>
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>wartet</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet …</translation>
    </message>
    <message>
        <source>Stopping after the current step…</source>
        <translation>Wird nach dem aktuellen Schritt angehalten …</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Angehalten.</translation>
    </message>
    <message>
        <source>Done: your headshots are ready.</source>
        <translation>Fertig: Ihre Porträts sind bereit.</translation>
    </message>
    <message>
        <source>Stopped by a problem.</source>
        <translation>Wegen eines Problems angehalten.</translation>
    </message>
    <message>
        <source>Loading the model. The first progress appears in a moment.</source>
        <translation>Das Modell wird geladen. Der erste Fortschritt erscheint gleich.</translation>
    </message>
    <message>
        <source>Stopped. Everything finished so far is kept ({kept} headshots in the gallery). Press Start to continue where it stopped.</source>
        <translation>Angehalten. Alles bisher Fertige bleibt erhalten ({kept} Porträts in der Galerie). Klicken Sie auf „Starten“, um dort weiterzumachen, wo angehalten wurde.</translation>
    </message>
    <message>
        <source>Stopped. Everything finished so far is kept. Press Start to continue where it stopped.</source>
        <translation>Angehalten. Alles bisher Fertige bleibt erhalten. Klicken Sie auf „Starten“, um dort weiterzumachen, wo angehalten wurde.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>Done: {count} headshots, best first, in the gallery.</source>
        <translation>Fertig: {count} Porträts in der Galerie, die besten zuerst.</translation>
    </message>
    <message>
        <source>Finished.</source>
        <translation>Abgeschlossen.</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>Fertig.</translation>
    </message>
    <message>
        <source>The best ones are first in the gallery.</source>
        <translation>Die besten stehen in der Galerie ganz vorn.</translation>
    </message>
    <message>
        <source>The run stopped because of a problem (see the message). Finished work is kept; press Start to try again.</source>
        <translation>Der Durchlauf wurde wegen eines Problems angehalten (siehe Meldung). Bereits Fertiges bleibt erhalten; klicken Sie auf „Starten“, um es erneut zu versuchen.</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Headshot Studio</source>
        <translation>Headshot Studio</translation>
    </message>
    <message>
        <source>If this keeps happening, press Copy details and send them with your question.</source>
        <translation>Wenn das wiederholt passiert, klicken Sie auf „Details kopieren“ und senden Sie diese mit Ihrer Frage.</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>Details kopieren</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>JPEG: smaller files, for most uses</source>
        <translation>JPEG: kleinere Dateien, für die meisten Zwecke</translation>
    </message>
    <message>
        <source>PNG: lossless, larger files</source>
        <translation>PNG: verlustfrei, größere Dateien</translation>
    </message>
    <message>
        <source>Export headshots</source>
        <translation>Porträts exportieren</translation>
    </message>
    <message>
        <source>Export:</source>
        <translation>Exportieren:</translation>
    </message>
    <message>
        <source>Save as:</source>
        <translation>Speichern als:</translation>
    </message>
    <message>
        <source>Keep the generation settings in the files (prompt, seed, model)</source>
        <translation>Die Erzeugungseinstellungen in den Dateien behalten (Beschreibung, Seed, Modell)</translation>
    </message>
    <message>
        <source>Off: the files hold nothing but the picture, no hidden text. On: you can recreate an image later from its settings.</source>
        <translation>Aus: Die Dateien enthalten nur das Bild, keinen versteckten Text. An: Sie können ein Bild später aus seinen Einstellungen neu erstellen.</translation>
    </message>
    <message>
        <source>Select headshots in the gallery or mark favourites (F) first.</source>
        <translation>Wählen Sie zuerst Porträts in der Galerie aus oder markieren Sie Favoriten (F).</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren …</translation>
    </message>
    <message>
        <source>The selected headshots ({count})</source>
        <translation>Die ausgewählten Porträts ({count})</translation>
    </message>
    <message>
        <source>Your favourites ({count})</source>
        <translation>Ihre Favoriten ({count})</translation>
    </message>
    <message>
        <source>Full size for print; {long_side} px for email and web; square {square}×{square} for profile pictures</source>
        <translation>Volle Größe für den Druck; {long_side} px für E-Mail und Web; quadratisch {square}×{square} für Profilbilder</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>Größe:</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <source>Files in a folder</source>
        <translation>Dateien in einem Ordner</translation>
    </message>
    <message>
        <source>One ZIP file (to send to a client)</source>
        <translation>Eine ZIP-Datei (zum Versenden an Kunden)</translation>
    </message>
    <message>
        <source>Export to which folder?</source>
        <translation>In welchen Ordner exportieren?</translation>
    </message>
    <message>
        <source>Save the ZIP file as</source>
        <translation>ZIP-Datei speichern unter</translation>
    </message>
    <message>
        <source>ZIP files (*.zip)</source>
        <translation>ZIP-Dateien (*.zip)</translation>
    </message>
</context>
<context>
    <name>GalleryGrid</name>
    <message>
        <source>not measured</source>
        <translation>nicht gemessen</translation>
    </message>
    <message>
        <source>Your headshots, best first</source>
        <translation>Ihre Porträts, die besten zuerst</translation>
    </message>
    <message>
        <source>Likeness: {stars} ({count} of {max}): {words}</source>
        <translation>Ähnlichkeit: {stars} ({count} von {max}): {words}</translation>
    </message>
    <message>
        <source>Likeness: {stars}</source>
        <translation>Ähnlichkeit: {stars}</translation>
    </message>
    <message>
        <source>Number {rank}, {style}. {likeness}</source>
        <translation>Nummer {rank}, {style}. {likeness}</translation>
    </message>
    <message>
        <source>1 other looks nearly the same</source>
        <translation>1 weiteres sieht fast gleich aus</translation>
    </message>
    <message>
        <source>{count} others look nearly the same</source>
        <translation>{count} weitere sehen fast gleich aus</translation>
    </message>
    <message>
        <source>Seed {seed}</source>
        <translation>Seed {seed}</translation>
    </message>
</context>
<context>
    <name>GalleryPage</name>
    <message>
        <source>Your headshots</source>
        <translation>Ihre Porträts</translation>
    </message>
    <message>
        <source>Best first: how much each looks like you, then sharpness, light and framing. Double-click or press Enter to see one large next to your selfie; F marks a favourite, Delete deletes.</source>
        <translation>Die besten zuerst: nach Ähnlichkeit mit Ihnen, dann nach Schärfe, Licht und Bildausschnitt. Doppelklicken oder die Eingabetaste drücken, um eines groß neben Ihrem Selfie zu sehen; F markiert einen Favoriten, Entf löscht.</translation>
    </message>
    <message>
        <source>Style:</source>
        <translation>Stil:</translation>
    </message>
    <message>
        <source>Style</source>
        <translation>Stil</translation>
    </message>
    <message>
        <source>Show the headshots of one style only</source>
        <translation>Nur die Porträts eines Stils anzeigen</translation>
    </message>
    <message>
        <source>Favourites only</source>
        <translation>Nur Favoriten</translation>
    </message>
    <message>
        <source>Show only the headshots you marked with ♥</source>
        <translation>Nur die mit ♥ markierten Porträts anzeigen</translation>
    </message>
    <message>
        <source>Hide look-alikes</source>
        <translation>Ähnliche ausblenden</translation>
    </message>
    <message>
        <source>Show only the best of each group of headshots that look nearly the same</source>
        <translation>Von jeder Gruppe fast gleicher Porträts nur das beste anzeigen</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>Größe:</translation>
    </message>
    <message>
        <source>Picture size</source>
        <translation>Bildgröße</translation>
    </message>
    <message>
        <source>Large</source>
        <translation>Groß</translation>
    </message>
    <message>
        <source>Small</source>
        <translation>Klein</translation>
    </message>
    <message>
        <source>View larger</source>
        <translation>Größer ansehen</translation>
    </message>
    <message>
        <source>See the headshot large, next to one of your selfies (Enter)</source>
        <translation>Das Porträt groß neben einem Ihrer Selfies ansehen (Eingabetaste)</translation>
    </message>
    <message>
        <source>Favourite</source>
        <translation>Favorit</translation>
    </message>
    <message>
        <source>Mark the selected headshots as favourites, or unmark them (F)</source>
        <translation>Die ausgewählten Porträts als Favoriten markieren oder die Markierung aufheben (F)</translation>
    </message>
    <message>
        <source>More like this</source>
        <translation>Mehr davon</translation>
    </message>
    <message>
        <source>Make {count} more headshots in this style with new seeds, using the face already learned</source>
        <translation>{count} weitere Porträts in diesem Stil mit neuen Seeds erstellen, mit dem bereits gelernten Gesicht</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen …</translation>
    </message>
    <message>
        <source>Delete the selected headshots from this computer (Delete)</source>
        <translation>Die ausgewählten Porträts von diesem Computer löschen (Entf)</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>Wird exportiert</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren …</translation>
    </message>
    <message>
        <source>Save the selected headshots or your favourites to a folder or a ZIP file</source>
        <translation>Die ausgewählten Porträts oder Ihre Favoriten in einem Ordner oder einer ZIP-Datei speichern</translation>
    </message>
    <message>
        <source>All styles ({count})</source>
        <translation>Alle Stile ({count})</translation>
    </message>
    <message>
        <source>Start or open a session to see its headshots here.</source>
        <translation>Starten oder öffnen Sie eine Sitzung, um hier ihre Porträts zu sehen.</translation>
    </message>
    <message>
        <source>No session open</source>
        <translation>Keine Sitzung geöffnet</translation>
    </message>
    <message>
        <source>Go to Session</source>
        <translation>Zur Sitzung</translation>
    </message>
    <message>
        <source>No headshots yet. Create them on the Create page: the best ones will appear here first, each with how much it looks like you. You can then compare each with your selfie, keep favourites and export them.</source>
        <translation>Noch keine Porträts. Erstellen Sie sie auf der Seite „Erstellen“: Die besten erscheinen hier zuerst, jeweils mit ihrer Ähnlichkeit zu Ihnen. Danach können Sie jedes mit Ihrem Selfie vergleichen, Favoriten behalten und sie exportieren.</translation>
    </message>
    <message>
        <source>Your headshots will appear here</source>
        <translation>Hier erscheinen Ihre Porträts</translation>
    </message>
    <message>
        <source>Go to Create</source>
        <translation>Zu „Erstellen“</translation>
    </message>
    <message>
        <source>{count} headshots · 1 favourite</source>
        <translation>{count} Porträts · 1 Favorit</translation>
    </message>
    <message>
        <source>{count} headshots · {favourites} favourites</source>
        <translation>{count} Porträts · {favourites} Favoriten</translation>
    </message>
    <message>
        <source>No headshots match these filters. Choose “All styles” or untick the boxes above to see them all.</source>
        <translation>Keine Porträts passen zu diesen Filtern. Wählen Sie „Alle Stile“ oder entfernen Sie die Häkchen oben, um alle zu sehen.</translation>
    </message>
    <message>
        <source>Nothing to show</source>
        <translation>Nichts anzuzeigen</translation>
    </message>
    <message>
        <source>Unfavourite</source>
        <translation>Kein Favorit mehr</translation>
    </message>
    <message>
        <source>A run is in progress; wait for it to finish</source>
        <translation>Ein Durchlauf ist im Gange; warten Sie, bis er fertig ist</translation>
    </message>
    <message>
        <source>Make {count} more “{style}” headshots with new seeds, using the face already learned</source>
        <translation>{count} weitere Porträts im Stil „{style}“ mit neuen Seeds erstellen, mit dem bereits gelernten Gesicht</translation>
    </message>
    <message>
        <source>Delete this headshot from this computer? This cannot be undone.</source>
        <translation>Dieses Porträt von diesem Computer löschen? Das kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Delete these {count} headshots from this computer? This cannot be undone.</source>
        <translation>Diese {count} Porträts von diesem Computer löschen? Das kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Delete headshots</source>
        <translation>Porträts löschen</translation>
    </message>
    <message>
        <source>{name} headshots</source>
        <translation>{name} Porträts</translation>
    </message>
    <message>
        <source>Exporting 1 headshot…</source>
        <translation>1 Porträt wird exportiert …</translation>
    </message>
    <message>
        <source>Exporting {count} headshots…</source>
        <translation>{count} Porträts werden exportiert …</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>The export did not finish.</source>
        <translation>Der Export wurde nicht abgeschlossen.</translation>
    </message>
</context>
<context>
    <name>HeadshotDelegate</name>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
</context>
<context>
    <name>Likeness</name>
    <message>
        <source>Very like you</source>
        <translation>Sehr ähnlich</translation>
    </message>
    <message>
        <source>Like you</source>
        <translation>Ähnlich</translation>
    </message>
    <message>
        <source>Fairly like you</source>
        <translation>Recht ähnlich</translation>
    </message>
    <message>
        <source>Not much like you</source>
        <translation>Wenig ähnlich</translation>
    </message>
    <message>
        <source>Not like you</source>
        <translation>Nicht ähnlich</translation>
    </message>
    <message>
        <source>Likeness not measured</source>
        <translation>Ähnlichkeit nicht gemessen</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Headshot Studio</source>
        <translation>Headshot Studio</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Sitzung</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>Fotos</translation>
    </message>
    <message>
        <source>Styles</source>
        <translation>Stile</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Erstellen</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>Galerie</translation>
    </message>
    <message>
        <source>Privacy</source>
        <translation>Datenschutz</translation>
    </message>
    <message>
        <source>Delete selfies, learned faces and headshots</source>
        <translation>Selfies, gelernte Gesichter und Porträts löschen</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Einstellungen …</translation>
    </message>
    <message>
        <source>Look, quality, retouching and photo handling</source>
        <translation>Aussehen, Qualität, Retusche und Umgang mit Fotos</translation>
    </message>
    <message>
        <source>About</source>
        <translation>Über</translation>
    </message>
    <message>
        <source>Version, GPU, models and licences</source>
        <translation>Version, Grafikkarte, Modelle und Lizenzen</translation>
    </message>
    <message>
        <source>Studio</source>
        <translation>Studio</translation>
    </message>
    <message>
        <source>A queue of clients, run one after another on every GPU</source>
        <translation>Eine Warteschlange von Kunden, nacheinander auf jeder GPU bearbeitet</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <source>Previous step (Alt+Left)</source>
        <translation>Vorheriger Schritt (Alt+Links)</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <source>Next step (Alt+Right or Ctrl+Enter)</source>
        <translation>Nächster Schritt (Alt+Rechts oder Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Session: {name}</source>
        <translation>Sitzung: {name}</translation>
    </message>
    <message>
        <source>No session open</source>
        <translation>Keine Sitzung geöffnet</translation>
    </message>
    <message>
        <source>Start or open a session first</source>
        <translation>Starten oder öffnen Sie zuerst eine Sitzung</translation>
    </message>
    <message>
        <source>Creating headshots</source>
        <translation>Porträts werden erstellt</translation>
    </message>
    <message>
        <source>Your headshots are ready: {count} in the gallery.</source>
        <translation>Ihre Porträts sind fertig: {count} in der Galerie.</translation>
    </message>
    <message>
        <source>The run stopped because of a problem. Open Headshot Studio to see what to do.</source>
        <translation>Der Durchlauf wurde wegen eines Problems angehalten. Öffnen Sie Headshot Studio, um zu sehen, was zu tun ist.</translation>
    </message>
    <message>
        <source>Stop and close?</source>
        <translation>Anhalten und schließen?</translation>
    </message>
    <message>
        <source>Headshots are being created. Stop now and close? Everything finished so far is kept, and the session can continue later.</source>
        <translation>Es werden gerade Porträts erstellt. Jetzt anhalten und schließen? Alles bisher Fertige bleibt erhalten, und die Sitzung kann später fortgesetzt werden.</translation>
    </message>
    <message>
        <source>Stop the studio and close?</source>
        <translation>Studio anhalten und schließen?</translation>
    </message>
    <message>
        <source>The studio queue (or lending this PC) is running. Stop it and close? Every client is kept: the queue goes on where it stopped at the next start.</source>
        <translation>Die Studio-Warteschlange (oder das Verleihen dieses PCs) läuft. Anhalten und schließen? Kein Kunde geht verloren: Beim nächsten Start macht die Warteschlange dort weiter, wo sie aufgehört hat.</translation>
    </message>
</context>
<context>
    <name>PhotoDelegate</name>
    <message>
        <source>No preview</source>
        <translation>Keine Vorschau</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
</context>
<context>
    <name>PhotoDetailsDialog</name>
    <message>
        <source>Remove this photo</source>
        <translation>Dieses Foto entfernen</translation>
    </message>
    <message>
        <source>Take this photo out of the session (the original on your computer is kept).</source>
        <translation>Dieses Foto aus der Sitzung nehmen (das Original auf Ihrem Computer bleibt erhalten).</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>What to fix</source>
        <translation>Was zu verbessern ist</translation>
    </message>
    <message>
        <source>Photo details — {name}</source>
        <translation>Fotodetails – {name}</translation>
    </message>
    <message>
        <source>Photo {name}</source>
        <translation>Foto {name}</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>This file cannot be shown.</source>
        <translation>Diese Datei kann nicht angezeigt werden.</translation>
    </message>
    <message>
        <source>{width} × {height} pixels</source>
        <translation>{width} × {height} Pixel</translation>
    </message>
</context>
<context>
    <name>PhotoGrid</name>
    <message>
        <source>Press Enter or double-click for details.</source>
        <translation>Eingabetaste drücken oder doppelklicken für Details.</translation>
    </message>
    <message>
        <source>Your photos</source>
        <translation>Ihre Fotos</translation>
    </message>
</context>
<context>
    <name>PhotosPage</name>
    <message>
        <source>Face a window in daylight. Avoid harsh sun, strong shadows and flash.</source>
        <translation>Wenden Sie sich bei Tageslicht einem Fenster zu. Vermeiden Sie grelle Sonne, harte Schatten und Blitz.</translation>
    </message>
    <message>
        <source>Hold the phone at eye level, at arm&apos;s length (or ask someone to take them).</source>
        <translation>Halten Sie das Telefon auf Augenhöhe, mit ausgestrecktem Arm (oder lassen Sie die Fotos von jemandem machen).</translation>
    </message>
    <message>
        <source>Mix the angles: straight on, and turned a little to the left and right.</source>
        <translation>Wechseln Sie die Blickwinkel: frontal und leicht nach links und rechts gedreht.</translation>
    </message>
    <message>
        <source>Mix your expressions, and take them in a few places and lights.</source>
        <translation>Wechseln Sie den Gesichtsausdruck und fotografieren Sie an verschiedenen Orten und bei verschiedenem Licht.</translation>
    </message>
    <message>
        <source>Only you in the photo: no sunglasses, hats or hands in front of your face.</source>
        <translation>Nur Sie auf dem Foto: keine Sonnenbrille, keine Mütze, keine Hände vor dem Gesicht.</translation>
    </message>
    <message>
        <source>Use the original photos from your phone: no screenshots, filters or edits.</source>
        <translation>Verwenden Sie die Originalfotos von Ihrem Telefon: keine Screenshots, Filter oder Bearbeitungen.</translation>
    </message>
    <message>
        <source>Add {ideal} recent selfies of just you. Drop them here, or use the buttons. Each photo is checked on this computer as soon as it is added; nothing is uploaded.</source>
        <translation>Fügen Sie {ideal} aktuelle Selfies hinzu, auf denen nur Sie zu sehen sind. Ziehen Sie sie hierher oder verwenden Sie die Schaltflächen. Jedes Foto wird sofort nach dem Hinzufügen auf diesem Computer geprüft; nichts wird hochgeladen.</translation>
    </message>
    <message>
        <source>Start a new session first (step 1, Session), then add your photos here.</source>
        <translation>Starten Sie zuerst eine neue Sitzung (Schritt 1, Sitzung) und fügen Sie dann hier Ihre Fotos hinzu.</translation>
    </message>
    <message>
        <source>Your photos</source>
        <translation>Ihre Fotos</translation>
    </message>
    <message>
        <source>Add photos…</source>
        <translation>Fotos hinzufügen …</translation>
    </message>
    <message>
        <source>Choose selfies to add (JPEG, PNG, WebP, BMP or iPhone HEIC).</source>
        <translation>Selfies zum Hinzufügen auswählen (JPEG, PNG, WebP, BMP oder iPhone-HEIC).</translation>
    </message>
    <message>
        <source>Add a folder…</source>
        <translation>Ordner hinzufügen …</translation>
    </message>
    <message>
        <source>Add every photo in a folder.</source>
        <translation>Alle Fotos eines Ordners hinzufügen.</translation>
    </message>
    <message>
        <source>Details…</source>
        <translation>Details …</translation>
    </message>
    <message>
        <source>See the selected photo larger, with every problem and its fix (Enter).</source>
        <translation>Das ausgewählte Foto größer ansehen, mit jedem Problem und seiner Lösung (Eingabetaste).</translation>
    </message>
    <message>
        <source>Remove photo</source>
        <translation>Foto entfernen</translation>
    </message>
    <message>
        <source>Take the selected photos out of the session (Delete). The originals on your computer are kept.</source>
        <translation>Die ausgewählten Fotos aus der Sitzung nehmen (Entf). Die Originale auf Ihrem Computer bleiben erhalten.</translation>
    </message>
    <message>
        <source>Drop your selfies here</source>
        <translation>Ziehen Sie Ihre Selfies hierher</translation>
    </message>
    <message>
        <source>{ideal} photos from the last few months, of just you. JPEG, PNG, WebP or iPhone HEIC, straight from the phone.</source>
        <translation>{ideal} Fotos aus den letzten Monaten, auf denen nur Sie zu sehen sind. JPEG, PNG, WebP oder iPhone-HEIC, direkt vom Telefon.</translation>
    </message>
    <message>
        <source>Choose photos…</source>
        <translation>Fotos auswählen …</translation>
    </message>
    <message>
        <source>Choose a folder…</source>
        <translation>Ordner auswählen …</translation>
    </message>
    <message>
        <source>Daylight from a window on your face</source>
        <translation>Tageslicht von einem Fenster auf Ihrem Gesicht</translation>
    </message>
    <message>
        <source>Phone at eye level, arm&apos;s length</source>
        <translation>Telefon auf Augenhöhe, mit ausgestrecktem Arm</translation>
    </message>
    <message>
        <source>Straight on, and turned a little left and right</source>
        <translation>Frontal und leicht nach links und rechts gedreht</translation>
    </message>
    <message>
        <source>Only you: no sunglasses, hats or filters</source>
        <translation>Nur Sie: keine Sonnenbrille, keine Mütze, keine Filter</translation>
    </message>
    <message>
        <source>Tips for good selfies</source>
        <translation>Tipps für gute Selfies</translation>
    </message>
    <message>
        <source>Add photos</source>
        <translation>Fotos hinzufügen</translation>
    </message>
    <message>
        <source>Photos ({patterns})</source>
        <translation>Fotos ({patterns})</translation>
    </message>
    <message>
        <source>Add a folder of photos</source>
        <translation>Einen Ordner mit Fotos hinzufügen</translation>
    </message>
    <message>
        <source>Drop your selfies here, or use “Add photos…”.</source>
        <translation>Ziehen Sie Ihre Selfies hierher oder verwenden Sie „Fotos hinzufügen …“.</translation>
    </message>
    <message>
        <source>Start a session first, then add your photos.</source>
        <translation>Starten Sie zuerst eine Sitzung und fügen Sie dann Ihre Fotos hinzu.</translation>
    </message>
    <message>
        <source>{file}: {verdict}. {message}</source>
        <translation>{file}: {verdict}. {message}</translation>
    </message>
    <message>
        <source>Remove photos</source>
        <translation>Fotos entfernen</translation>
    </message>
    <message>
        <source>{file} — {verdict}: {message}  (Enter for details)</source>
        <translation>{file} – {verdict}: {message}  (Eingabetaste für Details)</translation>
    </message>
    <message>
        <source>{count} photos selected. Press Delete to remove them.</source>
        <translation>{count} Fotos ausgewählt. Drücken Sie Entf, um sie zu entfernen.</translation>
    </message>
    <message>
        <source>Click a photo to see what to fix; double-click it for details.</source>
        <translation>Klicken Sie auf ein Foto, um zu sehen, was zu verbessern ist; doppelklicken Sie für Details.</translation>
    </message>
</context>
<context>
    <name>PrivacyPage</name>
    <message>
        <source>Your data stays on this computer</source>
        <translation>Ihre Daten bleiben auf diesem Computer</translation>
    </message>
    <message>
        <source>Headshot Studio never connects to the internet: no account, no upload, no telemetry, no update check. Models come from files you import.</source>
        <translation>Headshot Studio verbindet sich nie mit dem Internet: kein Konto, kein Hochladen, keine Telemetrie, keine Suche nach Updates. Modelle stammen aus Dateien, die Sie importieren.</translation>
    </message>
    <message>
        <source>What is stored, and where</source>
        <translation>Was gespeichert wird, und wo</translation>
    </message>
    <message>
        <source>Delete my selfies from this session once my face is learned</source>
        <translation>Meine Selfies aus dieser Sitzung löschen, sobald mein Gesicht gelernt ist</translation>
    </message>
    <message>
        <source>After training, the app deletes its copies of the selfies and the face crops made from them; the learned face and headshots stay. Your original photos are never touched.</source>
        <translation>Nach dem Training löscht die App ihre Kopien der Selfies und die daraus erstellten Gesichtsausschnitte; das gelernte Gesicht und die Porträts bleiben. Ihre Originalfotos werden nie angetastet.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Deleting removes the selfies, the learned face and the headshots from this computer, and lists every file it removed.</source>
        <translation>Beim Löschen werden die Selfies, das gelernte Gesicht und die Porträts von diesem Computer entfernt, und jede entfernte Datei wird aufgeführt.</translation>
    </message>
    <message>
        <source>Delete this session…</source>
        <translation>Diese Sitzung löschen …</translation>
    </message>
    <message>
        <source>Delete all sessions…</source>
        <translation>Alle Sitzungen löschen …</translation>
    </message>
    <message>
        <source>Every session, and every cached photo analysis</source>
        <translation>Alle Sitzungen und alle zwischengespeicherten Fotoanalysen</translation>
    </message>
    <message>
        <source>All sessions: {path}</source>
        <translation>Alle Sitzungen: {path}</translation>
    </message>
    <message>
        <source>Cached photo checks: {path}</source>
        <translation>Zwischengespeicherte Fotoprüfungen: {path}</translation>
    </message>
    <message>
        <source>Imported models: {path}</source>
        <translation>Importierte Modelle: {path}</translation>
    </message>
    <message>
        <source>Log file (no photos or face data in it): {path}</source>
        <translation>Protokolldatei (ohne Fotos oder Gesichtsdaten): {path}</translation>
    </message>
    <message>
        <source>This session ({name}): {path} — {copied} selfies copied in, the learned face, {headshots} headshots.</source>
        <translation>Diese Sitzung ({name}): {path} – {copied} hineinkopierte Selfies, das gelernte Gesicht, {headshots} Porträts.</translation>
    </message>
    <message>
        <source>Delete the session “{name}”: its copied selfies, learned face and headshots? This cannot be undone.</source>
        <translation>Die Sitzung „{name}“ löschen, mit ihren kopierten Selfies, dem gelernten Gesicht und den Porträts? Das kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Delete every session: all copied selfies, learned faces and headshots, and every cached photo check? This cannot be undone.</source>
        <translation>Alle Sitzungen löschen: alle kopierten Selfies, gelernten Gesichter und Porträts sowie alle zwischengespeicherten Fotoprüfungen? Das kann nicht rückgängig gemacht werden.</translation>
    </message>
</context>
<context>
    <name>SessionsPage</name>
    <message>
        <source>new</source>
        <translation>neu</translation>
    </message>
    <message>
        <source>photos checked</source>
        <translation>Fotos geprüft</translation>
    </message>
    <message>
        <source>photos prepared</source>
        <translation>Fotos vorbereitet</translation>
    </message>
    <message>
        <source>face learned</source>
        <translation>Gesicht gelernt</translation>
    </message>
    <message>
        <source>headshots made</source>
        <translation>Porträts erstellt</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>stopped — can continue</source>
        <translation>angehalten – kann fortgesetzt werden</translation>
    </message>
    <message>
        <source>stopped by a problem</source>
        <translation>wegen eines Problems angehalten</translation>
    </message>
    <message>
        <source>Start a session</source>
        <translation>Eine Sitzung starten</translation>
    </message>
    <message>
        <source>A session keeps one person&apos;s photos, learned face and headshots together. Studios: use the client&apos;s name.</source>
        <translation>Eine Sitzung hält die Fotos, das gelernte Gesicht und die Porträts einer Person zusammen. Studios: Verwenden Sie den Namen des Kunden.</translation>
    </message>
    <message>
        <source>New session</source>
        <translation>Neue Sitzung</translation>
    </message>
    <message>
        <source>Name, e.g. Alex Morgan</source>
        <translation>Name, z. B. Alex Morgan</translation>
    </message>
    <message>
        <source>A name to find this session again later</source>
        <translation>Ein Name, um diese Sitzung später wiederzufinden</translation>
    </message>
    <message>
        <source>Session name</source>
        <translation>Name der Sitzung</translation>
    </message>
    <message>
        <source>Start new session</source>
        <translation>Neue Sitzung starten</translation>
    </message>
    <message>
        <source>Past sessions</source>
        <translation>Frühere Sitzungen</translation>
    </message>
    <message>
        <source>No sessions yet. Your first one appears here once you start it; reopen it later to add styles or make more headshots.</source>
        <translation>Noch keine Sitzungen. Ihre erste erscheint hier, sobald Sie sie starten; öffnen Sie sie später wieder, um Stile hinzuzufügen oder weitere Porträts zu erstellen.</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Continue with the selected session (Enter)</source>
        <translation>Mit der ausgewählten Sitzung weitermachen (Eingabetaste)</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen …</translation>
    </message>
    <message>
        <source>Delete the selected session: its photos, learned face and headshots (Delete)</source>
        <translation>Die ausgewählte Sitzung löschen: ihre Fotos, das gelernte Gesicht und die Porträts (Entf)</translation>
    </message>
    <message>
        <source>{name}
{updated} · {photos} photos · {headshots} headshots · {state}</source>
        <translation>{name}
{updated} · {photos} Fotos · {headshots} Porträts · {state}</translation>
    </message>
    <message>
        <source>Session {id}</source>
        <translation>Sitzung {id}</translation>
    </message>
    <message>
        <source>Damaged session {id}
It cannot be opened. Select it and choose Delete…</source>
        <translation>Beschädigte Sitzung {id}
Sie kann nicht geöffnet werden. Wählen Sie sie aus und klicken Sie auf „Löschen …“.</translation>
    </message>
    <message>
        <source>Working on: {name}</source>
        <translation>In Arbeit: {name}</translation>
    </message>
    <message>
        <source>Type a name first, e.g. Alex Morgan</source>
        <translation>Geben Sie zuerst einen Namen ein, z. B. Alex Morgan</translation>
    </message>
    <message>
        <source>Delete session</source>
        <translation>Sitzung löschen</translation>
    </message>
    <message>
        <source>Delete “{name}”? Its photos (the copies in the app), learned face and headshots are removed for good.</source>
        <translation>„{name}“ löschen? Die Fotos (die Kopien in der App), das gelernte Gesicht und die Porträts werden endgültig entfernt.</translation>
    </message>
</context>
<context>
    <name>SetSummary</name>
    <message>
        <source>Your set</source>
        <translation>Ihre Fotoauswahl</translation>
    </message>
    <message>
        <source>{usable} usable photos of {needed} needed</source>
        <translation>{usable} brauchbare Fotos von {needed} benötigten</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Fast (quick previews)</source>
        <translation>Schnell (rasche Vorschau)</translation>
    </message>
    <message>
        <source>Balanced (recommended)</source>
        <translation>Ausgewogen (empfohlen)</translation>
    </message>
    <message>
        <source>Best (slower, 4x upscale)</source>
        <translation>Beste (langsamer, 4-fach vergrößert)</translation>
    </message>
    <message>
        <source>Off (no smoothing, the lightest touch)</source>
        <translation>Aus (keine Glättung, die leichteste Bearbeitung)</translation>
    </message>
    <message>
        <source>Natural (keeps skin texture, recommended)</source>
        <translation>Natürlich (Hautstruktur bleibt erhalten, empfohlen)</translation>
    </message>
    <message>
        <source>Polished (smoother skin, crisper detail)</source>
        <translation>Geschliffen (glattere Haut, schärfere Details)</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation>Wie das System</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>Aussehen</translation>
    </message>
    <message>
        <source>Only the app&apos;s own folders</source>
        <translation>Nur die eigenen Ordner der App</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen …</translation>
    </message>
    <message>
        <source>Extra models folder</source>
        <translation>Zusätzlicher Modellordner</translation>
    </message>
    <message>
        <source>Quality / speed</source>
        <translation>Qualität / Tempo</translation>
    </message>
    <message>
        <source>Retouching</source>
        <translation>Retusche</translation>
    </message>
    <message>
        <source>Colour toward the style&apos;s light</source>
        <translation>Farbe zum Licht des Stils hin</translation>
    </message>
    <message>
        <source>Headshots per style</source>
        <translation>Porträts pro Stil</translation>
    </message>
    <message>
        <source>Copy selfies into the session</source>
        <translation>Selfies in die Sitzung kopieren</translation>
    </message>
    <message>
        <source>Delete the copies once the face is learned</source>
        <translation>Die Kopien löschen, sobald das Gesicht gelernt ist</translation>
    </message>
    <message>
        <source>Experts: run without an NVIDIA GPU (takes hours)</source>
        <translation>Für Fachleute: ohne NVIDIA-Grafikkarte ausführen (dauert Stunden)</translation>
    </message>
    <message>
        <source>Choose a folder with models</source>
        <translation>Einen Ordner mit Modellen auswählen</translation>
    </message>
</context>
<context>
    <name>StageRow</name>
    <message>
        <source>Check photos</source>
        <translation>Fotos prüfen</translation>
    </message>
    <message>
        <source>Prepare</source>
        <translation>Vorbereiten</translation>
    </message>
    <message>
        <source>Learn your face</source>
        <translation>Gesicht lernen</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>Erzeugen</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>Fertigstellen</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>Sortieren</translation>
    </message>
    <message>
        <source>Checking your photos once more.</source>
        <translation>Ihre Fotos werden noch einmal geprüft.</translation>
    </message>
    <message>
        <source>Cropping each photo around your face and lining them up.</source>
        <translation>Jedes Foto wird um Ihr Gesicht zugeschnitten und ausgerichtet.</translation>
    </message>
    <message>
        <source>The graphics card studies your selfies so the headshots look like you. This is the longest step.</source>
        <translation>Die Grafikkarte studiert Ihre Selfies, damit die Porträts Ihnen ähnlich sehen. Das ist der längste Schritt.</translation>
    </message>
    <message>
        <source>Making your headshots, style by style. They appear below as they come.</source>
        <translation>Ihre Porträts werden Stil für Stil erstellt. Sie erscheinen unten, sobald sie fertig sind.</translation>
    </message>
    <message>
        <source>Finishing each headshot: face details, colour and size.</source>
        <translation>Jedes Porträt wird fertiggestellt: Gesichtsdetails, Farbe und Größe.</translation>
    </message>
    <message>
        <source>Putting the most like you and the sharpest first.</source>
        <translation>Die ähnlichsten und schärfsten kommen nach vorn.</translation>
    </message>
</context>
<context>
    <name>StepHeader</name>
    <message>
        <source>Headshot Studio</source>
        <translation>Headshot Studio</translation>
    </message>
    <message>
        <source>Welcome: what the app does and its models</source>
        <translation>Willkommen: was die App macht und ihre Modelle</translation>
    </message>
    <message>
        <source>Welcome page</source>
        <translation>Willkommensseite</translation>
    </message>
    <message>
        <source>done</source>
        <translation>erledigt</translation>
    </message>
    <message>
        <source>current step</source>
        <translation>aktueller Schritt</translation>
    </message>
    <message>
        <source>not done yet</source>
        <translation>noch nicht erledigt</translation>
    </message>
    <message>
        <source>Step {number} of {total}: {label}, {state}</source>
        <translation>Schritt {number} von {total}: {label}, {state}</translation>
    </message>
</context>
<context>
    <name>StudioPage</name>
    <message>
        <source>photos ok</source>
        <translation>Fotos in Ordnung</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <source>sending photos</source>
        <translation>sendet Fotos</translation>
    </message>
    <message>
        <source>checking</source>
        <translation>prüft</translation>
    </message>
    <message>
        <source>preparing</source>
        <translation>bereitet vor</translation>
    </message>
    <message>
        <source>training</source>
        <translation>lernt</translation>
    </message>
    <message>
        <source>generating</source>
        <translation>erzeugt</translation>
    </message>
    <message>
        <source>finishing</source>
        <translation>stellt fertig</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>geliefert</translation>
    </message>
    <message>
        <source>wiped</source>
        <translation>gelöscht</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>interrupted: goes on at the next start</source>
        <translation>unterbrochen: geht beim nächsten Start weiter</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>Fotos</translation>
    </message>
    <message>
        <source>Styles</source>
        <translation>Stile</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <source>PC</source>
        <translation>PC</translation>
    </message>
    <message>
        <source>The queue PC does not answer (its queue is not running with “Let paired PCs join”, a firewall blocks port 8786, or it belongs to another studio). Trying again every 10 s.</source>
        <translation>Der Warteschlangen-PC antwortet nicht (seine Warteschlange läuft nicht mit „Gekoppelte PCs verbinden sich über“, eine Firewall sperrt Port 8786, oder er gehört zu einem anderen Studio). Neuer Versuch alle 10 s.</translation>
    </message>
    <message>
        <source>Connected: working for the studio.</source>
        <translation>Verbunden: arbeitet für das Studio.</translation>
    </message>
    <message>
        <source>The queue stopped; waiting for it to start again.</source>
        <translation>Die Warteschlange wurde angehalten; warte auf ihren nächsten Start.</translation>
    </message>
    <message>
        <source>time left known after the first client</source>
        <translation>Restzeit bekannt nach dem ersten Kunden</translation>
    </message>
    <message>
        <source>nothing left to do</source>
        <translation>nichts mehr zu tun</translation>
    </message>
    <message>
        <source>about {minutes} min left</source>
        <translation>noch etwa {minutes} Min.</translation>
    </message>
    <message>
        <source>Studio queue</source>
        <translation>Studio-Warteschlange</translation>
    </message>
    <message>
        <source>Add client…</source>
        <translation>Kunden hinzufügen …</translation>
    </message>
    <message>
        <source>A name and their photos: a folder, a camera card, or drop them on this page</source>
        <translation>Ein Name und die Fotos: ein Ordner, eine Kamerakarte, oder auf diese Seite ziehen</translation>
    </message>
    <message>
        <source>Start queue</source>
        <translation>Warteschlange starten</translation>
    </message>
    <message>
        <source>Clients in the queue</source>
        <translation>Kunden in der Warteschlange</translation>
    </message>
    <message>
        <source>Earlier in the queue</source>
        <translation>Weiter nach vorn</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Nach oben</translation>
    </message>
    <message>
        <source>Later in the queue</source>
        <translation>Weiter nach hinten</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Nach unten</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausieren</translation>
    </message>
    <message>
        <source>Try again…</source>
        <translation>Erneut versuchen …</translation>
    </message>
    <message>
        <source>Check the client&apos;s photos again, with more if you add them</source>
        <translation>Die Fotos des Kunden erneut prüfen, mit weiteren, falls Sie welche hinzufügen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Wipe…</source>
        <translation>Löschen …</translation>
    </message>
    <message>
        <source>Delete the client&apos;s photos and results from this PC (and list what the worker PCs removed)</source>
        <translation>Die Fotos und Ergebnisse des Kunden von diesem PC löschen (und auflisten, was die Arbeits-PCs entfernt haben)</translation>
    </message>
    <message>
        <source>Photo check</source>
        <translation>Fotoprüfung</translation>
    </message>
    <message>
        <source>Add a client: their photos are checked here before they leave.</source>
        <translation>Fügen Sie einen Kunden hinzu: Seine Fotos werden hier geprüft, bevor er geht.</translation>
    </message>
    <message>
        <source>Photo verdicts of the last client added</source>
        <translation>Fotoprüfung des zuletzt hinzugefügten Kunden</translation>
    </message>
    <message>
        <source>Delivery</source>
        <translation>Lieferung</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Wählen …</translation>
    </message>
    <message>
        <source>Choose the delivery folder</source>
        <translation>Lieferordner wählen</translation>
    </message>
    <message>
        <source>Images per client:</source>
        <translation>Bilder pro Kunde:</translation>
    </message>
    <message>
        <source>Images per client</source>
        <translation>Bilder pro Kunde</translation>
    </message>
    <message>
        <source>The best this many by the ranking; a client&apos;s favourites instead, when there are any</source>
        <translation>So viele der besten laut Bewertung; stattdessen die Favoriten des Kunden, falls es welche gibt</translation>
    </message>
    <message>
        <source>Wipe each client after delivery</source>
        <translation>Jeden Kunden nach der Lieferung löschen</translation>
    </message>
    <message>
        <source>Once their ZIP is written, the client&apos;s photos, learned face and images are deleted from this PC, with a report.</source>
        <translation>Sobald die ZIP-Datei geschrieben ist, werden Fotos, gelerntes Gesicht und Bilder des Kunden von diesem PC gelöscht, mit Bericht.</translation>
    </message>
    <message>
        <source>Export all finished…</source>
        <translation>Alle fertigen exportieren …</translation>
    </message>
    <message>
        <source>Write the ZIP and contact sheet of every client marked ready</source>
        <translation>ZIP-Datei und Kontaktbogen für jeden fertigen Kunden schreiben</translation>
    </message>
    <message>
        <source>PCs</source>
        <translation>PCs</translation>
    </message>
    <message>
        <source>PCs working for the queue</source>
        <translation>PCs, die für die Warteschlange arbeiten</translation>
    </message>
    <message>
        <source>Let paired PCs join on</source>
        <translation>Gekoppelte PCs verbinden sich über</translation>
    </message>
    <message>
        <source>Off: the queue runs on this PC&apos;s GPUs only and nothing listens on the network. On: paired PCs connect to port 8786 on this address, with the studio&apos;s certificates.</source>
        <translation>Aus: Die Warteschlange läuft nur auf den GPUs dieses PCs, und nichts wartet auf Verbindungen aus dem Netzwerk. An: Gekoppelte PCs verbinden sich mit Port 8786 unter dieser Adresse, mit den Zertifikaten des Studios.</translation>
    </message>
    <message>
        <source>This PC&apos;s address for the studio&apos;s PCs</source>
        <translation>Adresse dieses PCs für die PCs des Studios</translation>
    </message>
    <message>
        <source>Add a PC…</source>
        <translation>PC hinzufügen …</translation>
    </message>
    <message>
        <source>Make a one-time pairing file for another PC of the studio</source>
        <translation>Eine einmalige Kopplungsdatei für einen weiteren PC des Studios erstellen</translation>
    </message>
    <message>
        <source>Lend this PC…</source>
        <translation>Diesen PC verleihen …</translation>
    </message>
    <message>
        <source>Let another PC&apos;s studio queue use this PC&apos;s GPUs</source>
        <translation>Die Studio-Warteschlange eines anderen PCs die GPUs dieses PCs nutzen lassen</translation>
    </message>
    <message>
        <source>{n} waiting</source>
        <translation>{n} wartend</translation>
    </message>
    <message>
        <source>{n} running</source>
        <translation>{n} in Arbeit</translation>
    </message>
    <message>
        <source>{n} finished</source>
        <translation>{n} fertig</translation>
    </message>
    <message>
        <source>{n} failed</source>
        <translation>{n} fehlgeschlagen</translation>
    </message>
    <message>
        <source>Stopping: running clients are saved and go on at the next start…</source>
        <translation>Wird angehalten: Laufende Kunden werden gesichert und beim nächsten Start fortgesetzt …</translation>
    </message>
    <message>
        <source>Starting the queue…</source>
        <translation>Warteschlange startet …</translation>
    </message>
    <message>
        <source>Waiting for a PC that has the queue&apos;s base model…</source>
        <translation>Warte auf einen PC mit dem Basismodell der Warteschlange …</translation>
    </message>
    <message>
        <source>Running on {n} worker(s)</source>
        <translation>Läuft mit {n} Arbeitsprozess(en)</translation>
    </message>
    <message>
        <source>Queue paused</source>
        <translation>Warteschlange pausiert</translation>
    </message>
    <message>
        <source>Stopped: press Start queue and leave it; it runs client after client</source>
        <translation>Angehalten: Auf „Warteschlange starten“ drücken und laufen lassen; sie bearbeitet einen Kunden nach dem anderen</translation>
    </message>
    <message>
        <source>No folder yet: clients wait as “ready”</source>
        <translation>Noch kein Ordner: Kunden warten als „fertig“</translation>
    </message>
    <message>
        <source>Has the queue&apos;s base model</source>
        <translation>Hat das Basismodell der Warteschlange</translation>
    </message>
    <message>
        <source>lacks the queue&apos;s base model</source>
        <translation>ohne das Basismodell der Warteschlange</translation>
    </message>
    <message>
        <source>{name} (paired)</source>
        <translation>{name} (gekoppelt)</translation>
    </message>
    <message>
        <source>Joins when the queue runs with “Let paired PCs join” ticked</source>
        <translation>Verbindet sich, wenn die Warteschlange mit Häkchen bei „Gekoppelte PCs verbinden sich über“ läuft</translation>
    </message>
    <message>
        <source>Shown while the queue runs</source>
        <translation>Wird angezeigt, während die Warteschlange läuft</translation>
    </message>
    <message>
        <source>Paired PCs join at {address}</source>
        <translation>Gekoppelte PCs verbinden sich mit {address}</translation>
    </message>
    <message>
        <source>This PC is lent to the studio at {address}.</source>
        <translation>Dieser PC ist an das Studio unter {address} verliehen.</translation>
    </message>
    <message>
        <source>Paired as “{name}” with the studio at {address}.</source>
        <translation>Als „{name}“ mit dem Studio unter {address} gekoppelt.</translation>
    </message>
    <message>
        <source>Stop lending</source>
        <translation>Verleihen beenden</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Checking photos…</source>
        <translation>Fotos werden geprüft …</translation>
    </message>
    <message>
        <source>Stop queue</source>
        <translation>Warteschlange anhalten</translation>
    </message>
    <message>
        <source>Checking the photos of {name}…</source>
        <translation>Die Fotos von {name} werden geprüft …</translation>
    </message>
    <message>
        <source>The client was not added: see the message.</source>
        <translation>Der Kunde wurde nicht hinzugefügt: siehe Meldung.</translation>
    </message>
    <message>
        <source>in the queue</source>
        <translation>in der Warteschlange</translation>
    </message>
    <message>
        <source>NOT usable yet</source>
        <translation>noch NICHT verwendbar</translation>
    </message>
    <message>
        <source>{name}: {usable} of {count} photos usable — {verdict}. {message}</source>
        <translation>{name}: {usable} von {count} Fotos verwendbar — {verdict}. {message}</translation>
    </message>
    <message>
        <source>Take “{name}” out of the queue? Their photos and images stay on this PC until you wipe them (Privacy).</source>
        <translation>„{name}“ aus der Warteschlange nehmen? Fotos und Bilder bleiben auf diesem PC, bis Sie sie löschen (Datenschutz).</translation>
    </message>
    <message>
        <source>Wipe</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Delete the photos, learned face and images of “{name}” from this PC? Delivered ZIPs are not touched. This cannot be undone.</source>
        <translation>Fotos, gelerntes Gesicht und Bilder von „{name}“ von diesem PC löschen? Gelieferte ZIP-Dateien bleiben unberührt. Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <source>Deliver ZIPs and contact sheets to</source>
        <translation>ZIP-Dateien und Kontaktbögen liefern nach</translation>
    </message>
    <message>
        <source>Delivered {n} client(s).</source>
        <translation>{n} Kunde(n) geliefert.</translation>
    </message>
    <message>
        <source>Pairing files (*.json)</source>
        <translation>Kopplungsdateien (*.json)</translation>
    </message>
    <message>
        <source>This PC has no network address other PCs could reach. Connect it to the studio&apos;s network first.</source>
        <translation>Dieser PC hat keine Netzwerkadresse, die andere PCs erreichen könnten. Verbinden Sie ihn zuerst mit dem Netzwerk des Studios.</translation>
    </message>
    <message>
        <source>Add a PC</source>
        <translation>PC hinzufügen</translation>
    </message>
    <message>
        <source>The other PC&apos;s name (as the queue will show it):</source>
        <translation>Name des anderen PCs (so zeigt ihn die Warteschlange):</translation>
    </message>
    <message>
        <source>Save the pairing file (carry it to that PC)</source>
        <translation>Kopplungsdatei speichern (zu jenem PC bringen)</translation>
    </message>
    <message>
        <source>Pairing file for “{name}” saved: {path}. On that PC: Studio → Lend this PC…, choose the file. It works once, for 24 hours, and holds that PC&apos;s key: delete it from the stick afterwards. Start the queue with “Let paired PCs join” ticked.</source>
        <translation>Kopplungsdatei für „{name}“ gespeichert: {path}. Auf jenem PC: Studio → Diesen PC verleihen …, die Datei wählen. Sie gilt einmal, 24 Stunden lang, und enthält den Schlüssel jenes PCs: Löschen Sie sie danach vom Stick. Starten Sie die Warteschlange mit Häkchen bei „Gekoppelte PCs verbinden sich über“.</translation>
    </message>
    <message>
        <source>The pairing file from the studio&apos;s queue PC</source>
        <translation>Die Kopplungsdatei vom Warteschlangen-PC des Studios</translation>
    </message>
    <message>
        <source>This PC has no network address the studio could reach. Connect it to the studio&apos;s network first.</source>
        <translation>Dieser PC hat keine Netzwerkadresse, die das Studio erreichen könnte. Verbinden Sie ihn zuerst mit dem Netzwerk des Studios.</translation>
    </message>
    <message>
        <source>Lend this PC</source>
        <translation>Diesen PC verleihen</translation>
    </message>
    <message>
        <source>This PC&apos;s address on the studio&apos;s network:</source>
        <translation>Adresse dieses PCs im Netzwerk des Studios:</translation>
    </message>
</context>
<context>
    <name>StyleCard</name>
    <message>
        <source>{name}: {description}</source>
        <translation>{name}: {description}</translation>
    </message>
    <message>
        <source>Your own</source>
        <translation>Eigener Stil</translation>
    </message>
    <message>
        <source>A style you made; it is saved in your own styles folder.</source>
        <translation>Ein Stil, den Sie erstellt haben; er ist in Ihrem eigenen Stilordner gespeichert.</translation>
    </message>
    <message>
        <source>Use this style</source>
        <translation>Diesen Stil verwenden</translation>
    </message>
    <message>
        <source>Use {name}</source>
        <translation>{name} verwenden</translation>
    </message>
    <message>
        <source>Tick to make “{name}” headshots. Space ticks or unticks it.</source>
        <translation>Ankreuzen, um Porträts im Stil „{name}“ zu erstellen. Die Leertaste setzt oder entfernt das Häkchen.</translation>
    </message>
    <message>
        <source>Headshots:</source>
        <translation>Porträts:</translation>
    </message>
    <message>
        <source>Headshots of {name}</source>
        <translation>Porträts im Stil {name}</translation>
    </message>
    <message>
        <source>How many “{name}” headshots to make ({min}–{max}). Tick the style first.</source>
        <translation>Wie viele Porträts im Stil „{name}“ erstellt werden ({min}–{max}). Kreuzen Sie zuerst den Stil an.</translation>
    </message>
    <message>
        <source>Duplicate…</source>
        <translation>Duplizieren …</translation>
    </message>
    <message>
        <source>Make your own style starting from “{name}”.</source>
        <translation>Einen eigenen Stil auf Grundlage von „{name}“ erstellen.</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Bearbeiten …</translation>
    </message>
    <message>
        <source>Change your style “{name}”.</source>
        <translation>Ihren Stil „{name}“ ändern.</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen …</translation>
    </message>
    <message>
        <source>Delete your style “{name}” (you are asked first).</source>
        <translation>Ihren Stil „{name}“ löschen (Sie werden vorher gefragt).</translation>
    </message>
</context>
<context>
    <name>StyleEditorDialog</name>
    <message>
        <source>Model&apos;s own size (recommended)</source>
        <translation>Eigene Größe des Modells (empfohlen)</translation>
    </message>
    <message>
        <source>512 × 512 (SD 1.5 models)</source>
        <translation>512 × 512 (SD-1.5-Modelle)</translation>
    </message>
    <message>
        <source>512 × 640 portrait</source>
        <translation>512 × 640 Hochformat</translation>
    </message>
    <message>
        <source>1024 × 1024 (SDXL models)</source>
        <translation>1024 × 1024 (SDXL-Modelle)</translation>
    </message>
    <message>
        <source>896 × 1152 portrait (SDXL models)</source>
        <translation>896 × 1152 Hochformat (SDXL-Modelle)</translation>
    </message>
    <message>
        <source>[the person]</source>
        <translation>[die Person]</translation>
    </message>
    <message>
        <source>Neutral daylight</source>
        <translation>Neutrales Tageslicht</translation>
    </message>
    <message>
        <source>Warm</source>
        <translation>Warm</translation>
    </message>
    <message>
        <source>Cool</source>
        <translation>Kühl</translation>
    </message>
    <message>
        <source>New style</source>
        <translation>Neuer Stil</translation>
    </message>
    <message>
        <source>Duplicate style</source>
        <translation>Stil duplizieren</translation>
    </message>
    <message>
        <source>Edit style</source>
        <translation>Stil bearbeiten</translation>
    </message>
    <message>
        <source>About this style</source>
        <translation>Über diesen Stil</translation>
    </message>
    <message>
        <source>The name on the style card, for example “Brand blue studio”.</source>
        <translation>Der Name auf der Stilkarte, zum Beispiel „Studio in Markenblau“.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>The file this style is saved as, in your own styles folder. It is made from the name when the style is created and does not change afterwards.</source>
        <translation>Die Datei, unter der dieser Stil in Ihrem eigenen Stilordner gespeichert wird. Sie wird beim Erstellen des Stils aus dem Namen gebildet und ändert sich danach nicht mehr.</translation>
    </message>
    <message>
        <source>Saved as:</source>
        <translation>Gespeichert als:</translation>
    </message>
    <message>
        <source>One short sentence shown on the style card: what the look is and what it is for.</source>
        <translation>Ein kurzer Satz auf der Stilkarte: wie der Stil aussieht und wofür er gedacht ist.</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
    <message>
        <source>The colour of the style&apos;s card, to tell styles apart at a glance. Click to choose.</source>
        <translation>Die Farbe der Stilkarte, um Stile auf einen Blick zu unterscheiden. Zum Auswählen klicken.</translation>
    </message>
    <message>
        <source>Card &amp;colour:</source>
        <translation>&amp;Kartenfarbe:</translation>
    </message>
    <message>
        <source>What the picture shows</source>
        <translation>Was das Bild zeigt</translation>
    </message>
    <message>
        <source>Who is in the picture and how. Write {placeholder} where the person goes: the app puts the words for the person whose face it learned there.</source>
        <translation>Wer im Bild ist und wie, auf Englisch. Schreiben Sie {placeholder} dorthin, wo die Person steht: Die App setzt dort die Wörter für die Person ein, deren Gesicht sie gelernt hat.</translation>
    </message>
    <message>
        <source>&amp;Subject:</source>
        <translation>&amp;Motiv:</translation>
    </message>
    <message>
        <source>{placeholder} means “the person”: keep it in the subject, exactly like that.</source>
        <translation>{placeholder} steht für „die Person“: Lassen Sie es genau so im Motiv stehen.</translation>
    </message>
    <message>
        <source>What the person wears, for example “navy blazer, white shirt”.</source>
        <translation>Was die Person trägt, auf Englisch, zum Beispiel „navy blazer, white shirt“.</translation>
    </message>
    <message>
        <source>&amp;Attire:</source>
        <translation>Klei&amp;dung:</translation>
    </message>
    <message>
        <source>What is behind the person, for example “plain light grey backdrop”.</source>
        <translation>Was hinter der Person ist, auf Englisch, zum Beispiel „plain light grey backdrop“.</translation>
    </message>
    <message>
        <source>&amp;Background:</source>
        <translation>&amp;Hintergrund:</translation>
    </message>
    <message>
        <source>How the light falls, for example “soft window light from the left”.</source>
        <translation>Wie das Licht fällt, auf Englisch, zum Beispiel „soft window light from the left“.</translation>
    </message>
    <message>
        <source>&amp;Lighting:</source>
        <translation>Beleu&amp;chtung:</translation>
    </message>
    <message>
        <source>Framing and lens, for example “head and shoulders, 85mm lens, eye level”.</source>
        <translation>Bildausschnitt und Objektiv, auf Englisch, zum Beispiel „head and shoulders, 85mm lens, eye level“.</translation>
    </message>
    <message>
        <source>Co&amp;mposition:</source>
        <translation>Bild&amp;aufbau:</translation>
    </message>
    <message>
        <source>e.g. casual clothing, busy background, harsh shadows</source>
        <translation>z. B. casual clothing, busy background, harsh shadows (auf Englisch)</translation>
    </message>
    <message>
        <source>Things this style should never show, separated by commas. The user&apos;s own “avoid” words are added to these.</source>
        <translation>Was dieser Stil nie zeigen soll, durch Kommas getrennt und auf Englisch. Die eigenen Wörter unter „Vermeiden“ werden hinzugefügt.</translation>
    </message>
    <message>
        <source>A&amp;void:</source>
        <translation>&amp;Vermeiden:</translation>
    </message>
    <message>
        <source>The whole description the generator receives, with the parts above joined in order.</source>
        <translation>Die gesamte Beschreibung, die der Generator erhält, mit den Teilen oben der Reihe nach zusammengefügt.</translation>
    </message>
    <message>
        <source>Together:</source>
        <translation>Zusammen:</translation>
    </message>
    <message>
        <source>Generator settings</source>
        <translation>Generator-Einstellungen</translation>
    </message>
    <message>
        <source>How closely the picture follows the words. 5–8 looks natural; higher values look harsher and over-processed.</source>
        <translation>Wie genau das Bild den Wörtern folgt. 5–8 wirkt natürlich; höhere Werte wirken härter und überbearbeitet.</translation>
    </message>
    <message>
        <source>&amp;Guidance:</source>
        <translation>Prompt-&amp;Treue:</translation>
    </message>
    <message>
        <source>How many refinement steps each picture gets. 25–40 is plenty; more is slower.</source>
        <translation>Wie viele Verfeinerungsschritte jedes Bild bekommt. 25–40 genügen; mehr ist langsamer.</translation>
    </message>
    <message>
        <source>S&amp;teps:</source>
        <translation>&amp;Schritte:</translation>
    </message>
    <message>
        <source>The picture size. Keep the model&apos;s own size unless you need another: SD 1.5 models work best at 512, SDXL models at 1024.</source>
        <translation>Die Bildgröße. Behalten Sie die eigene Größe des Modells, wenn Sie keine andere brauchen: SD-1.5-Modelle arbeiten am besten mit 512, SDXL-Modelle mit 1024.</translation>
    </message>
    <message>
        <source>Si&amp;ze:</source>
        <translation>&amp;Größe:</translation>
    </message>
    <message>
        <source>The method that turns noise into the picture. The recommended one suits almost every style.</source>
        <translation>Das Verfahren, das aus Rauschen das Bild macht. Das empfohlene passt zu fast jedem Stil.</translation>
    </message>
    <message>
        <source>Sa&amp;mpler:</source>
        <translation>Sam&amp;pler:</translation>
    </message>
    <message>
        <source>Finishing</source>
        <translation>Fertigstellung</translation>
    </message>
    <message>
        <source>The colour of the light in the finished headshots. The colour correction moves each image toward it, reading the light from the backdrop, never from the skin.</source>
        <translation>Die Farbe des Lichts in den fertigen Porträts. Die Farbkorrektur verschiebt jedes Bild dorthin und liest das Licht dabei am Hintergrund ab, nie an der Haut.</translation>
    </message>
    <message>
        <source>Lig&amp;ht:</source>
        <translation>&amp;Lichtfarbe:</translation>
    </message>
    <message>
        <source>As generated</source>
        <translation>Wie erzeugt</translation>
    </message>
    <message>
        <source>Plain colour</source>
        <translation>Einfarbig</translation>
    </message>
    <message>
        <source>Keep the background the model draws, or put the person in front of your own colour (gradients and pictures: see the style file&apos;s [finish] section).</source>
        <translation>Den vom Modell gezeichneten Hintergrund behalten oder die Person vor Ihre eigene Farbe stellen (Verläufe und Bilder: siehe Abschnitt [finish] der Stildatei).</translation>
    </message>
    <message>
        <source>The backdrop&apos;s colour, for example your brand colour.</source>
        <translation>Die Farbe des Hintergrunds, zum Beispiel Ihre Markenfarbe.</translation>
    </message>
    <message>
        <source>Bac&amp;kdrop:</source>
        <translation>&amp;Fotohintergrund:</translation>
    </message>
    <message>
        <source>Backdrop colour</source>
        <translation>Hintergrundfarbe</translation>
    </message>
    <message>
        <source>{kelvin} K (from the style file)</source>
        <translation>{kelvin} K (aus der Stildatei)</translation>
    </message>
    <message>
        <source>Gradient (from the style file)</source>
        <translation>Verlauf (aus der Stildatei)</translation>
    </message>
    <message>
        <source>Picture (from the style file)</source>
        <translation>Bild (aus der Stildatei)</translation>
    </message>
    <message>
        <source>Check the style and save it to your own styles folder.</source>
        <translation>Den Stil prüfen und in Ihrem eigenen Stilordner speichern.</translation>
    </message>
    <message>
        <source>Close without saving.</source>
        <translation>Schließen, ohne zu speichern.</translation>
    </message>
    <message>
        <source>e.g. navy blazer, white shirt</source>
        <translation>z. B. navy blazer, white shirt (auf Englisch)</translation>
    </message>
    <message>
        <source>e.g. plain light grey backdrop</source>
        <translation>z. B. plain light grey backdrop (auf Englisch)</translation>
    </message>
    <message>
        <source>e.g. soft window light from the left</source>
        <translation>z. B. soft window light from the left (auf Englisch)</translation>
    </message>
    <message>
        <source>e.g. head and shoulders, 85mm lens, eye level</source>
        <translation>z. B. head and shoulders, 85mm lens, eye level (auf Englisch)</translation>
    </message>
    <message>
        <source>{name} (copy)</source>
        <translation>{name} (Kopie)</translation>
    </message>
    <message>
        <source>Card colour</source>
        <translation>Kartenfarbe</translation>
    </message>
    <message>
        <source>(The subject needs {placeholder} so the headshot shows the person.)</source>
        <translation>(Das Motiv braucht {placeholder}, damit das Porträt die Person zeigt.)</translation>
    </message>
    <message>
        <source>Give the style a name: it is shown on the style card.</source>
        <translation>Geben Sie dem Stil einen Namen: Er wird auf der Stilkarte angezeigt.</translation>
    </message>
    <message>
        <source>The style could not be saved ({reason}). Check that the disk has free space and that you may write to your styles folder: {folder}</source>
        <translation>Der Stil konnte nicht gespeichert werden ({reason}). Prüfen Sie, ob auf dem Laufwerk Platz frei ist und ob Sie in Ihren Stilordner schreiben dürfen: {folder}</translation>
    </message>
</context>
<context>
    <name>StylesPage</name>
    <message>
        <source>e.g. no glasses, no tie</source>
        <translation>z. B. no glasses, no tie (auf Englisch)</translation>
    </message>
    <message>
        <source>Tick one or more looks and choose how many headshots of each. Every style uses the same photos of you.</source>
        <translation>Kreuzen Sie einen oder mehrere Stile an und wählen Sie, wie viele Porträts es von jedem geben soll. Jeder Stil verwendet dieselben Fotos von Ihnen.</translation>
    </message>
    <message>
        <source>Choose your styles</source>
        <translation>Ihre Stile auswählen</translation>
    </message>
    <message>
        <source>New style…</source>
        <translation>Neuer Stil …</translation>
    </message>
    <message>
        <source>Make your own style from scratch: clothes, backdrop, light and framing.</source>
        <translation>Einen eigenen Stil von Grund auf erstellen: Kleidung, Hintergrund, Licht und Bildausschnitt.</translation>
    </message>
    <message>
        <source>Open styles folder</source>
        <translation>Stilordner öffnen</translation>
    </message>
    <message>
        <source>Show your own styles folder, to fix or delete the file.</source>
        <translation>Ihren eigenen Stilordner anzeigen, um die Datei zu korrigieren oder zu löschen.</translation>
    </message>
    <message>
        <source>Remove from the choice</source>
        <translation>Aus der Auswahl entfernen</translation>
    </message>
    <message>
        <source>Stop using the styles that are no longer available.</source>
        <translation>Die nicht mehr verfügbaren Stile nicht mehr verwenden.</translation>
    </message>
    <message>
        <source>&amp;Avoid in every headshot:</source>
        <translation>In allen Porträts &amp;vermeiden:</translation>
    </message>
    <message>
        <source>Things you do not want in any of your headshots, separated by commas, for example “no glasses, no tie”. They are added to every style&apos;s own list of things to avoid.</source>
        <translation>Was Sie in keinem Ihrer Porträts haben möchten, durch Kommas getrennt und auf Englisch, zum Beispiel „no glasses, no tie“. Es wird der eigenen Vermeiden-Liste jedes Stils hinzugefügt.</translation>
    </message>
    <message>
        <source>Some of your own styles could not be read, so they are not shown:</source>
        <translation>Einige Ihrer eigenen Stile konnten nicht gelesen werden und werden daher nicht angezeigt:</translation>
    </message>
    <message>
        <source>…and 1 more broken file. Run “headshot-studio styles” to list them all.</source>
        <translation>… und 1 weitere fehlerhafte Datei. Führen Sie „headshot-studio styles“ aus, um alle aufzulisten.</translation>
    </message>
    <message>
        <source>…and {count} more broken files. Run “headshot-studio styles” to list them all.</source>
        <translation>… und {count} weitere fehlerhafte Dateien. Führen Sie „headshot-studio styles“ aus, um alle aufzulisten.</translation>
    </message>
    <message>
        <source>Your styles folder: {path}</source>
        <translation>Ihr Stilordner: {path}</translation>
    </message>
    <message>
        <source>Chosen but not available: {names}. Its style file is missing or broken. Fix the file, or remove the style from your choice.</source>
        <translation>Ausgewählt, aber nicht verfügbar: {names}. Die Stildatei fehlt oder ist fehlerhaft. Korrigieren Sie die Datei oder entfernen Sie den Stil aus Ihrer Auswahl.</translation>
    </message>
    <message>
        <source>Chosen but not available: {names}. Their style files are missing or broken. Fix the file, or remove the style from your choice.</source>
        <translation>Ausgewählt, aber nicht verfügbar: {names}. Die Stildateien fehlen oder sind fehlerhaft. Korrigieren Sie die Dateien oder entfernen Sie die Stile aus Ihrer Auswahl.</translation>
    </message>
    <message>
        <source>Start or open a session to choose styles.</source>
        <translation>Starten oder öffnen Sie eine Sitzung, um Stile auszuwählen.</translation>
    </message>
    <message>
        <source>No style chosen yet. Tick at least one to continue.</source>
        <translation>Noch kein Stil ausgewählt. Kreuzen Sie mindestens einen an, um fortzufahren.</translation>
    </message>
    <message>
        <source>1 style, 1 headshot in total</source>
        <translation>1 Stil, insgesamt 1 Porträt</translation>
    </message>
    <message>
        <source>1 style, {total} headshots in total</source>
        <translation>1 Stil, insgesamt {total} Porträts</translation>
    </message>
    <message>
        <source>{styles} styles, {total} headshots in total</source>
        <translation>{styles} Stile, insgesamt {total} Porträts</translation>
    </message>
    <message>
        <source>Every headshot will avoid: {terms}</source>
        <translation>Jedes Porträt vermeidet: {terms}</translation>
    </message>
    <message>
        <source>Delete style</source>
        <translation>Stil löschen</translation>
    </message>
    <message>
        <source>Delete your style “{name}”?</source>
        <translation>Ihren Stil „{name}“ löschen?</translation>
    </message>
    <message>
        <source>Its file is removed from your styles folder. This cannot be undone.</source>
        <translation>Die Datei wird aus Ihrem Stilordner entfernt. Das kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>The style “{name}” could not be deleted ({reason}). Check that you may change files in your styles folder.</source>
        <translation>Der Stil „{name}“ konnte nicht gelöscht werden ({reason}). Prüfen Sie, ob Sie Dateien in Ihrem Stilordner ändern dürfen.</translation>
    </message>
</context>
<context>
    <name>Verdict</name>
    <message>
        <source>Good</source>
        <translation>Gut</translation>
    </message>
    <message>
        <source>Usable</source>
        <translation>Brauchbar</translation>
    </message>
    <message>
        <source>Not used</source>
        <translation>Nicht verwendet</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Wird geprüft …</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>Welcome to Headshot Studio</source>
        <translation>Willkommen bei Headshot Studio</translation>
    </message>
    <message>
        <source>Turn {ideal} ordinary selfies into professional headshots, made entirely on this computer. Nothing is uploaded: your photos never leave this PC.</source>
        <translation>Machen Sie aus {ideal} gewöhnlichen Selfies professionelle Porträts, vollständig auf diesem Computer erstellt. Nichts wird hochgeladen: Ihre Fotos verlassen diesen PC nie.</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>Dieser Computer</translation>
    </message>
    <message>
        <source>Checking the graphics card…</source>
        <translation>Die Grafikkarte wird geprüft …</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>Basismodell</translation>
    </message>
    <message>
        <source>Looking for installed models…</source>
        <translation>Installierte Modelle werden gesucht …</translation>
    </message>
    <message>
        <source>Installed base models</source>
        <translation>Installierte Basismodelle</translation>
    </message>
    <message>
        <source>Import model…</source>
        <translation>Modell importieren …</translation>
    </message>
    <message>
        <source>Choose a Stable Diffusion 1.5 or SDXL model: a .safetensors file, or a folder in diffusers format.</source>
        <translation>Wählen Sie ein Stable-Diffusion-1.5- oder SDXL-Modell: eine .safetensors-Datei oder einen Ordner im diffusers-Format.</translation>
    </message>
    <message>
        <source>A model file (.safetensors)…</source>
        <translation>Eine Modelldatei (.safetensors) …</translation>
    </message>
    <message>
        <source>A model folder…</source>
        <translation>Einen Modellordner …</translation>
    </message>
    <message>
        <source>Model import progress</source>
        <translation>Fortschritt des Modellimports</translation>
    </message>
    <message>
        <source>How it works</source>
        <translation>So funktioniert es</translation>
    </message>
    <message>
        <source>Add {ideal} selfies. Each is checked at once, with a tip when one should be retaken.</source>
        <translation>Fügen Sie {ideal} Selfies hinzu. Jedes wird sofort geprüft, mit einem Tipp, wenn eines neu aufgenommen werden sollte.</translation>
    </message>
    <message>
        <source>Pick the looks you want: corporate, creative, healthcare and more.</source>
        <translation>Wählen Sie die gewünschten Stile: Business, kreativ, Gesundheitswesen und mehr.</translation>
    </message>
    <message>
        <source>Press Start. Your graphics card learns your face and makes the headshots; the computer stays awake until it is done.</source>
        <translation>Klicken Sie auf „Starten“. Ihre Grafikkarte lernt Ihr Gesicht und erstellt die Porträts; der Computer bleibt wach, bis alles fertig ist.</translation>
    </message>
    <message>
        <source>Review them best first, keep your favourites and export them.</source>
        <translation>Sehen Sie sie durch, die besten zuerst, behalten Sie Ihre Favoriten und exportieren Sie sie.</translation>
    </message>
    <message>
        <source>Next: your session</source>
        <translation>Weiter: Ihre Sitzung</translation>
    </message>
    <message>
        <source>Choose a model file</source>
        <translation>Eine Modelldatei auswählen</translation>
    </message>
    <message>
        <source>Model files (*.safetensors)</source>
        <translation>Modelldateien (*.safetensors)</translation>
    </message>
    <message>
        <source>Choose a model folder (with model_index.json)</source>
        <translation>Einen Modellordner auswählen (mit model_index.json)</translation>
    </message>
    <message>
        <source>The model was imported and checked.</source>
        <translation>Das Modell wurde importiert und geprüft.</translation>
    </message>
    <message>
        <source>The import was stopped; nothing was added.</source>
        <translation>Der Import wurde angehalten; nichts wurde hinzugefügt.</translation>
    </message>
    <message>
        <source>The model could not be imported; nothing was added.</source>
        <translation>Das Modell konnte nicht importiert werden; nichts wurde hinzugefügt.</translation>
    </message>
    <message>
        <source>Graphics card: {name}, {free} GB of {total} GB free.</source>
        <translation>Grafikkarte: {name}, {free} GB von {total} GB frei.</translation>
    </message>
    <message>
        <source>No NVIDIA graphics card was found. Headshot Studio needs one ({vram} GB or more) to learn a face and make headshots. If this PC has one, install or update its NVIDIA driver and restart the app.</source>
        <translation>Es wurde keine NVIDIA-Grafikkarte gefunden. Headshot Studio braucht eine (mit {vram} GB oder mehr), um ein Gesicht zu lernen und Porträts zu erstellen. Wenn dieser PC eine hat, installieren oder aktualisieren Sie den NVIDIA-Treiber und starten Sie die App neu.</translation>
    </message>
    <message>
        <source>{name} — {architecture}, licence: {licence}</source>
        <translation>{name} – {architecture}, Lizenz: {licence}</translation>
    </message>
    <message>
        <source>{name} — cannot be used: {reason}</source>
        <translation>{name} – nicht verwendbar: {reason}</translation>
    </message>
    <message>
        <source>Installed base models (the first one is used):</source>
        <translation>Installierte Basismodelle (das erste wird verwendet):</translation>
    </message>
    <message>
        <source>The installed model cannot be used (the reason is below). Import a model again, or import another one:</source>
        <translation>Das installierte Modell kann nicht verwendet werden (der Grund steht unten). Importieren Sie das Modell erneut oder ein anderes:</translation>
    </message>
    <message>
        <source>No base model is installed yet. Import a Stable Diffusion 1.5 or SDXL model from a file or folder you downloaded (nothing is downloaded by the app).</source>
        <translation>Es ist noch kein Basismodell installiert. Importieren Sie ein Stable-Diffusion-1.5- oder SDXL-Modell aus einer heruntergeladenen Datei oder einem Ordner (die App selbst lädt nichts herunter).</translation>
    </message>
</context>
<context>
    <name>ZoomDialog</name>
    <message>
        <source>Headshot</source>
        <translation>Porträt</translation>
    </message>
    <message>
        <source>Your selfie</source>
        <translation>Ihr Selfie</translation>
    </message>
    <message>
        <source>Compare with another of your selfies</source>
        <translation>Mit einem anderen Ihrer Selfies vergleichen</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>Better</source>
        <translation>Besser</translation>
    </message>
    <message>
        <source>The next better-ranked headshot (Left arrow)</source>
        <translation>Das nächstbessere Porträt (Pfeil nach links)</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Nächstes</translation>
    </message>
    <message>
        <source>The next headshot in the ranking (Right arrow)</source>
        <translation>Das nächste Porträt in der Rangfolge (Pfeil nach rechts)</translation>
    </message>
    <message>
        <source>Mark or unmark this headshot as a favourite (F)</source>
        <translation>Dieses Porträt als Favorit markieren oder die Markierung aufheben (F)</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen …</translation>
    </message>
    <message>
        <source>Delete this headshot (Delete)</source>
        <translation>Dieses Porträt löschen (Entf)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Seed {seed}</source>
        <translation>Seed {seed}</translation>
    </message>
    <message>
        <source>This headshot cannot be shown: its file is missing or damaged.</source>
        <translation>Dieses Porträt kann nicht angezeigt werden: Seine Datei fehlt oder ist beschädigt.</translation>
    </message>
    <message>
        <source>This selfie cannot be shown: its file is missing or damaged.</source>
        <translation>Dieses Selfie kann nicht angezeigt werden: Seine Datei fehlt oder ist beschädigt.</translation>
    </message>
    <message>
        <source>Unfavourite</source>
        <translation>Kein Favorit mehr</translation>
    </message>
    <message>
        <source>Favourite</source>
        <translation>Favorit</translation>
    </message>
</context>
<context>
    <name>core</name>
    <message>
        <source>Good photo.</source>
        <translation>Gutes Foto.</translation>
    </message>
    <message>
        <source>No face was found. Use a photo where your face is clearly visible, facing the camera, in good light.</source>
        <translation>Es wurde kein Gesicht gefunden. Verwenden Sie ein Foto, auf dem Ihr Gesicht gut zu sehen ist, der Kamera zugewandt und bei gutem Licht.</translation>
    </message>
    <message>
        <source>The photo is blurry. Hold the phone still, tap your face to focus, or use more light.</source>
        <translation>Das Foto ist unscharf. Halten Sie das Telefon ruhig, tippen Sie zum Scharfstellen auf Ihr Gesicht oder sorgen Sie für mehr Licht.</translation>
    </message>
    <message>
        <source>Your head is turned too far from the camera. Use photos where you face the camera or turn your head only slightly.</source>
        <translation>Ihr Kopf ist zu weit von der Kamera weggedreht. Verwenden Sie Fotos, auf denen Sie in die Kamera schauen oder den Kopf nur leicht drehen.</translation>
    </message>
    <message>
        <source>Your eyes are closed in this photo. Take one more with your eyes open.</source>
        <translation>Auf diesem Foto sind Ihre Augen geschlossen. Machen Sie noch eines mit offenen Augen.</translation>
    </message>
    <message>
        <source>You are looking away from the camera in this photo. Take one more looking straight into the lens.</source>
        <translation>Auf diesem Foto schauen Sie an der Kamera vorbei. Machen Sie noch eines mit Blick direkt ins Objektiv.</translation>
    </message>
    <message>
        <source>Other people are in this photo; the largest face is used. A photo of you alone is better.</source>
        <translation>Auf diesem Foto sind noch andere Personen; das größte Gesicht wird verwendet. Ein Foto, auf dem nur Sie zu sehen sind, ist besser.</translation>
    </message>
    <message>
        <source>Several faces of similar size are in this photo, so it is unclear which one is you. Use a photo of you alone.</source>
        <translation>Auf diesem Foto sind mehrere etwa gleich große Gesichter, daher ist unklar, welches Sie sind. Verwenden Sie ein Foto, auf dem nur Sie zu sehen sind.</translation>
    </message>
    <message>
        <source>Part of your face is cut off at the edge of the photo. Use a photo with your whole head in the picture.</source>
        <translation>Ein Teil Ihres Gesichts ist am Bildrand abgeschnitten. Verwenden Sie ein Foto, auf dem Ihr ganzer Kopf zu sehen ist.</translation>
    </message>
    <message>
        <source>Your head is very close to the edge of the photo. Leave some space around your head and hair.</source>
        <translation>Ihr Kopf ist sehr nah am Bildrand. Lassen Sie etwas Platz um Kopf und Haare.</translation>
    </message>
    <message>
        <source>The photo is too dark to see your face clearly. Take it facing a window or in brighter light.</source>
        <translation>Das Foto ist zu dunkel, um Ihr Gesicht deutlich zu erkennen. Fotografieren Sie mit Blick zu einem Fenster oder bei hellerem Licht.</translation>
    </message>
    <message>
        <source>The photo is rather dark. Face a window or a lamp for a brighter photo.</source>
        <translation>Das Foto ist recht dunkel. Wenden Sie sich für ein helleres Foto einem Fenster oder einer Lampe zu.</translation>
    </message>
    <message>
        <source>Your face is washed out by too much light. Avoid direct sun or flash; use soft daylight.</source>
        <translation>Ihr Gesicht ist durch zu viel Licht überstrahlt. Vermeiden Sie direkte Sonne oder Blitz; nutzen Sie weiches Tageslicht.</translation>
    </message>
    <message>
        <source>Parts of your face are too bright. Move out of direct sun or turn off the flash.</source>
        <translation>Teile Ihres Gesichts sind zu hell. Gehen Sie aus der direkten Sonne oder schalten Sie den Blitz aus.</translation>
    </message>
    <message>
        <source>One side of your face is in strong shadow. Face the light (a window in front of you) rather than having it beside you.</source>
        <translation>Eine Seite Ihres Gesichts liegt in tiefem Schatten. Wenden Sie sich dem Licht zu (ein Fenster vor Ihnen), statt es neben sich zu haben.</translation>
    </message>
    <message>
        <source>The photos do not show one person consistently. Use photos of just one person: you.</source>
        <translation>Die Fotos zeigen nicht durchgehend dieselbe Person. Verwenden Sie nur Fotos einer Person: von Ihnen.</translation>
    </message>
    <message>
        <source>This looks like a different person from the rest of the photos. Remove it, or check it is really you.</source>
        <translation>Das scheint eine andere Person zu sein als auf den übrigen Fotos. Entfernen Sie das Foto oder prüfen Sie, ob Sie es wirklich sind.</translation>
    </message>
    <message>
        <source>All photos show your face from the same angle. Add a few with your head turned slightly left or right.</source>
        <translation>Alle Fotos zeigen Ihr Gesicht aus demselben Blickwinkel. Fügen Sie einige hinzu, auf denen Ihr Kopf leicht nach links oder rechts gedreht ist.</translation>
    </message>
    <message>
        <source>All photos were taken in the same light. Add some in different places (daylight outside, indoors by a window).</source>
        <translation>Alle Fotos wurden bei demselben Licht aufgenommen. Fügen Sie einige von anderen Orten hinzu (Tageslicht im Freien, drinnen am Fenster).</translation>
    </message>
    <message>
        <source>Checking this photo…</source>
        <translation>Dieses Foto wird geprüft …</translation>
    </message>
    <message>
        <source>This file could not be read, so it is not used. Try another copy of the photo, or remove it and add a different one.</source>
        <translation>Diese Datei konnte nicht gelesen werden und wird daher nicht verwendet. Versuchen Sie eine andere Kopie des Fotos oder entfernen Sie es und fügen Sie ein anderes hinzu.</translation>
    </message>
    <message>
        <source>Still checking this photo…</source>
        <translation>Dieses Foto wird noch geprüft …</translation>
    </message>
    <message>
        <source>Nothing to fix: this photo is good for learning your face.</source>
        <translation>Nichts zu verbessern: Dieses Foto eignet sich gut, um Ihr Gesicht zu lernen.</translation>
    </message>
    <message>
        <source>No photos yet.</source>
        <translation>Noch keine Fotos.</translation>
    </message>
    <message>
        <source>Start a session first.</source>
        <translation>Starten Sie zuerst eine Sitzung.</translation>
    </message>
    <message>
        <source>Not ready yet: none of these photos can be used. Add other photos of yourself.</source>
        <translation>Noch nicht bereit: Keines dieser Fotos ist verwendbar. Fügen Sie andere Fotos von sich hinzu.</translation>
    </message>
    <message>
        <source>No face found</source>
        <translation>Kein Gesicht gefunden</translation>
    </message>
    <message>
        <source>Doesn&apos;t look like you</source>
        <translation>Sieht Ihnen nicht ähnlich</translation>
    </message>
    <message>
        <source>More than one face</source>
        <translation>Mehr als ein Gesicht</translation>
    </message>
    <message>
        <source>Eyes closed</source>
        <translation>Augen geschlossen</translation>
    </message>
    <message>
        <source>Eyes don&apos;t match</source>
        <translation>Augen passen nicht zusammen</translation>
    </message>
    <message>
        <source>Check this one</source>
        <translation>Bitte prüfen</translation>
    </message>
    <message>
        <source>Likeness</source>
        <translation>Ähnlichkeit</translation>
    </message>
    <message>
        <source>Eyes</source>
        <translation>Augen</translation>
    </message>
    <message>
        <source>Sharpness</source>
        <translation>Schärfe</translation>
    </message>
    <message>
        <source>Image quality</source>
        <translation>Bildqualität</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Licht</translation>
    </message>
    <message>
        <source>Framing</source>
        <translation>Bildausschnitt</translation>
    </message>
    <message>
        <source>Unknown style</source>
        <translation>Unbekannter Stil</translation>
    </message>
    <message>
        <source>Your selfies were deleted after your face was learned, as you asked, so there is none to compare with.</source>
        <translation>Ihre Selfies wurden wie gewünscht gelöscht, nachdem Ihr Gesicht gelernt war; daher gibt es keines zum Vergleichen.</translation>
    </message>
    <message>
        <source>Your selfies are no longer where they were when you added them, so there is none to compare with.</source>
        <translation>Ihre Selfies liegen nicht mehr dort, wo sie beim Hinzufügen waren; daher gibt es keines zum Vergleichen.</translation>
    </message>
    <message>
        <source>This session has no selfies to compare with.</source>
        <translation>Diese Sitzung hat keine Selfies zum Vergleichen.</translation>
    </message>
    <message>
        <source>Your graphics card ran out of memory even with the lightest settings. Close other programs that use the graphics card (games, browsers playing video), then try again; or choose a smaller model.</source>
        <translation>Der Speicher Ihrer Grafikkarte hat selbst mit den sparsamsten Einstellungen nicht gereicht. Schließen Sie andere Programme, die die Grafikkarte nutzen (Spiele, Browser mit laufenden Videos), und versuchen Sie es dann erneut; oder wählen Sie ein kleineres Modell.</translation>
    </message>
    <message>
        <source>The disk is full, so the run stopped. Everything finished so far is kept. Free up space (empty the recycle bin, delete sessions you no longer need or other large files), then start the run again: it continues where it stopped.</source>
        <translation>Das Laufwerk ist voll, daher wurde der Durchlauf angehalten. Alles bisher Fertige bleibt erhalten. Schaffen Sie Platz (Papierkorb leeren, nicht mehr benötigte Sitzungen oder andere große Dateien löschen) und starten Sie den Durchlauf dann erneut: Er macht dort weiter, wo er angehalten wurde.</translation>
    </message>
    <message>
        <source>The disk is full. Free up space (empty the recycle bin, delete sessions you no longer need or other large files), then try again. Files saved before were not damaged.</source>
        <translation>Das Laufwerk ist voll. Schaffen Sie Platz (Papierkorb leeren, nicht mehr benötigte Sitzungen oder andere große Dateien löschen) und versuchen Sie es dann erneut. Zuvor gespeicherte Dateien wurden nicht beschädigt.</translation>
    </message>
    <message>
        <source>The computer ran out of memory. Close other programs and try again.</source>
        <translation>Der Arbeitsspeicher des Computers hat nicht gereicht. Schließen Sie andere Programme und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>Something went wrong inside Headshot Studio. Your photos and finished images are kept. Copy the details and send them to support.</source>
        <translation>In Headshot Studio ist ein Fehler aufgetreten. Ihre Fotos und fertigen Bilder bleiben erhalten. Kopieren Sie die Details und senden Sie sie an den Support.</translation>
    </message>
    <message>
        <source>Choose at least one style.</source>
        <translation>Wählen Sie mindestens einen Stil aus.</translation>
    </message>
    <message>
        <source>This session&apos;s recorded settings are damaged, so it cannot be continued. Start a new session with the same photos, or delete this one.</source>
        <translation>Die gespeicherten Einstellungen dieser Sitzung sind beschädigt, daher kann sie nicht fortgesetzt werden. Starten Sie eine neue Sitzung mit denselben Fotos oder löschen Sie diese.</translation>
    </message>
    <message>
        <source>Ran out of graphics memory; trying again with lighter settings…</source>
        <translation>Grafikspeicher reicht nicht; neuer Versuch mit sparsameren Einstellungen …</translation>
    </message>
    <message>
        <source>Generating</source>
        <translation>Wird erzeugt</translation>
    </message>
    <message>
        <source>Ranking</source>
        <translation>Wird sortiert</translation>
    </message>
    <message>
        <source>Recording checksums</source>
        <translation>Prüfsummen werden gespeichert</translation>
    </message>
    <message>
        <source>Give the session a name (for example the client&apos;s name).</source>
        <translation>Geben Sie der Sitzung einen Namen (zum Beispiel den Namen des Kunden).</translation>
    </message>
    <message>
        <source>The name holds invisible control characters. Type the name again with letters, digits and punctuation only.</source>
        <translation>Der Name enthält unsichtbare Steuerzeichen. Geben Sie den Namen erneut ein, nur mit Buchstaben, Ziffern und Satzzeichen.</translation>
    </message>
    <message>
        <source>A run is working on this session right now. Stop it (or wait for it to finish), then delete the session.</source>
        <translation>Gerade arbeitet ein Durchlauf an dieser Sitzung. Halten Sie ihn an (oder warten Sie, bis er fertig ist), und löschen Sie dann die Sitzung.</translation>
    </message>
    <message>
        <source>The session could not be removed completely: another program may be using its files, or this user may not change its folder. Close other programs and try again.</source>
        <translation>Die Sitzung konnte nicht vollständig entfernt werden: Vielleicht verwendet ein anderes Programm ihre Dateien, oder dieser Benutzer darf ihren Ordner nicht ändern. Schließen Sie andere Programme und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>Full size</source>
        <translation>Volle Größe</translation>
    </message>
    <message>
        <source>Nothing to export. Select some headshots or mark favourites first.</source>
        <translation>Nichts zu exportieren. Wählen Sie zuerst Porträts aus oder markieren Sie Favoriten.</translation>
    </message>
    <message>
        <source>Euler ancestral (more variety)</source>
        <translation>Euler ancestral (mehr Abwechslung)</translation>
    </message>
    <message>
        <source>UniPC (fast)</source>
        <translation>UniPC (schnell)</translation>
    </message>
    <message>
        <source>An extra folder to look for models in (empty: only the app&apos;s own folders).</source>
        <translation>Ein zusätzlicher Ordner, in dem nach Modellen gesucht wird (leer: nur die eigenen Ordner der App).</translation>
    </message>
    <message>
        <source>How many headshots to make per style.</source>
        <translation>Wie viele Porträts pro Stil erstellt werden.</translation>
    </message>
    <message>
        <source>Quality/speed preset: fast, balanced or best.</source>
        <translation>Voreinstellung für Qualität/Tempo: schnell, ausgewogen oder beste.</translation>
    </message>
    <message>
        <source>How much the headshots are retouched: off (no smoothing, the face only lightly re-drawn), natural (skin texture kept) or polished (smoother skin, crisper detail).</source>
        <translation>Wie stark die Porträts retuschiert werden: aus (keine Glättung, das Gesicht nur leicht nachgezeichnet), natürlich (Hautstruktur bleibt erhalten) oder geschliffen (glattere Haut, schärfere Details).</translation>
    </message>
    <message>
        <source>How far each headshot&apos;s colour is moved toward its style&apos;s light, in percent (0: as made).</source>
        <translation>Wie weit die Farbe jedes Porträts zum Licht seines Stils hin verschoben wird, in Prozent (0: wie erzeugt).</translation>
    </message>
    <message>
        <source>Copy selfies into the session (else refer to them where they are).</source>
        <translation>Selfies in die Sitzung kopieren (sonst wird auf sie an ihrem Ort verwiesen).</translation>
    </message>
    <message>
        <source>a GIF image, a format Headshot Studio does not read photos from</source>
        <translation>ein GIF-Bild, ein Format, aus dem Headshot Studio keine Fotos liest</translation>
    </message>
    <message>
        <source>a TIFF image, a format Headshot Studio does not read photos from</source>
        <translation>ein TIFF-Bild, ein Format, aus dem Headshot Studio keine Fotos liest</translation>
    </message>
    <message>
        <source>a video</source>
        <translation>ein Video</translation>
    </message>
    <message>
        <source>a PDF document</source>
        <translation>ein PDF-Dokument</translation>
    </message>
    <message>
        <source>a PostScript document</source>
        <translation>ein PostScript-Dokument</translation>
    </message>
    <message>
        <source>a ZIP archive (or an Office document)</source>
        <translation>ein ZIP-Archiv (oder ein Office-Dokument)</translation>
    </message>
    <message>
        <source>a hidden file that macOS keeps beside a photo, not the photo itself</source>
        <translation>eine versteckte Datei, die macOS neben einem Foto ablegt, nicht das Foto selbst</translation>
    </message>
    <message>
        <source>nothing but zero bytes, as a copy that did not finish often is</source>
        <translation>nichts als Null-Bytes, wie oft bei einer abgebrochenen Kopie</translation>
    </message>
    <message>
        <source>an SVG drawing</source>
        <translation>eine SVG-Zeichnung</translation>
    </message>
    <message>
        <source>a web page</source>
        <translation>eine Webseite</translation>
    </message>
    <message>
        <source>a text file</source>
        <translation>eine Textdatei</translation>
    </message>
    <message>
        <source>The photo is only {width}x{height} pixels. Use the original photo from your phone, not a thumbnail or a screenshot.</source>
        <translation>Das Foto hat nur {width}×{height} Pixel. Verwenden Sie das Originalfoto von Ihrem Telefon, kein Vorschaubild und keinen Screenshot.</translation>
    </message>
    <message>
        <source>Your face is too small in this photo (about {width} pixels wide): it would have to be enlarged {factor} times for this model&apos;s {resolution}-pixel training, and the learned face would come out soft. Move closer to the camera so your face fills about a third of the picture.</source>
        <translation>Ihr Gesicht ist auf diesem Foto zu klein (etwa {width} Pixel breit): Es müsste für das {resolution}-Pixel-Training dieses Modells um das {factor}-Fache vergrößert werden, und das gelernte Gesicht würde unscharf. Gehen Sie näher an die Kamera, sodass Ihr Gesicht etwa ein Drittel des Bildes füllt.</translation>
    </message>
    <message>
        <source>Your face is a little small in this photo (about {width} pixels wide): it will be enlarged {factor} times for this model&apos;s {resolution}-pixel training, which softens it. Move closer to the camera so your face fills about a third of the picture.</source>
        <translation>Ihr Gesicht ist auf diesem Foto etwas klein (etwa {width} Pixel breit): Es wird für das {resolution}-Pixel-Training dieses Modells um das {factor}-Fache vergrößert, was es weicher macht. Gehen Sie näher an die Kamera, sodass Ihr Gesicht etwa ein Drittel des Bildes füllt.</translation>
    </message>
    <message>
        <source>This is the same photo as “{name}”. Every photo should be a different shot.</source>
        <translation>Das ist dasselbe Foto wie „{name}“. Jedes Foto sollte eine eigene Aufnahme sein.</translation>
    </message>
    <message>
        <source>1 usable photo; at least {minimum} are needed, {low}-{high} is ideal. Add {more} more.</source>
        <translation>1 brauchbares Foto; mindestens {minimum} werden benötigt, {low}–{high} sind ideal. Fügen Sie {more} weitere hinzu.</translation>
    </message>
    <message>
        <source>{count} usable photos; at least {minimum} are needed, {low}-{high} is ideal. Add {more} more.</source>
        <translation>{count} brauchbare Fotos; mindestens {minimum} werden benötigt, {low}–{high} sind ideal. Fügen Sie {more} weitere hinzu.</translation>
    </message>
    <message>
        <source>{low}-{high} photos give a better likeness than {count}. Add a few more if you can.</source>
        <translation>Mit {low}–{high} Fotos wird die Ähnlichkeit besser als mit {count}. Fügen Sie nach Möglichkeit noch einige hinzu.</translation>
    </message>
    <message>
        <source>{count} photos is more than needed; {high} good ones are enough and learn faster. Remove the weakest.</source>
        <translation>{count} Fotos sind mehr als nötig; {high} gute genügen und werden schneller gelernt. Entfernen Sie die schwächsten.</translation>
    </message>
    <message>
        <source>That is {count} photos: a session takes at most {maximum} and this one already has {already}. {low}-{high} good selfies are best: put your best ones in a folder of their own and add that folder.</source>
        <translation>Das sind {count} Fotos: Eine Sitzung nimmt höchstens {maximum} auf, und diese hat bereits {already}. {low}–{high} gute Selfies sind am besten: Legen Sie Ihre besten in einen eigenen Ordner und fügen Sie diesen Ordner hinzu.</translation>
    </message>
    <message>
        <source>That is {count} photos: a session takes at most {maximum}. {low}-{high} good selfies are best: put your best ones in a folder of their own and add that folder.</source>
        <translation>Das sind {count} Fotos: Eine Sitzung nimmt höchstens {maximum} auf. {low}–{high} gute Selfies sind am besten: Legen Sie Ihre besten in einen eigenen Ordner und fügen Sie diesen Ordner hinzu.</translation>
    </message>
    <message>
        <source>Ready: {count} good photos.</source>
        <translation>Bereit: {count} gute Fotos.</translation>
    </message>
    <message>
        <source>Not ready yet: add at least {minimum} photos of yourself.</source>
        <translation>Noch nicht bereit: Fügen Sie mindestens {minimum} Fotos von sich hinzu.</translation>
    </message>
    <message>
        <source>Checking photos… ({done} of {total} done)</source>
        <translation>Fotos werden geprüft … ({done} von {total} fertig)</translation>
    </message>
    <message>
        <source>{usable} of {minimum} needed ({ideal} is ideal)</source>
        <translation>{usable} von {minimum} benötigten ({ideal} sind ideal)</translation>
    </message>
    <message>
        <source>{usable} usable photos ({minimum} needed, {ideal} is ideal)</source>
        <translation>{usable} brauchbare Fotos ({minimum} benötigt, {ideal} sind ideal)</translation>
    </message>
    <message>
        <source>1 photo: {counts}</source>
        <translation>1 Foto: {counts}</translation>
    </message>
    <message>
        <source>{total} photos: {counts}</source>
        <translation>{total} Fotos: {counts}</translation>
    </message>
    <message>
        <source>Ready, but {finding}</source>
        <translation>Bereit, aber: {finding}</translation>
    </message>
    <message>
        <source>Not ready yet: {finding}</source>
        <translation>Noch nicht bereit: {finding}</translation>
    </message>
    <message>
        <source>no NVIDIA GPU found (processor: {name})</source>
        <translation>keine NVIDIA-Grafikkarte gefunden (Prozessor: {name})</translation>
    </message>
    <message>
        <source>{name}, {free} of {total} GB free</source>
        <translation>{name}, {free} von {total} GB frei</translation>
    </message>
    <message>
        <source>No NVIDIA graphics card was found, and Headshot Studio needs one to learn a face and make headshots ({memory} GB of graphics memory or more). If this PC has one, install or update its NVIDIA driver and restart the app.</source>
        <translation>Es wurde keine NVIDIA-Grafikkarte gefunden, und Headshot Studio braucht eine, um ein Gesicht zu lernen und Porträts zu erstellen ({memory} GB Grafikspeicher oder mehr). Wenn dieser PC eine hat, installieren oder aktualisieren Sie den NVIDIA-Treiber und starten Sie die App neu.</translation>
    </message>
    <message>
        <source>Your graphics card has {free} GB of free memory, and {architecture} models need at least {need} GB on it. Close other programs that use the graphics card (games, browsers, video editors) and try again.</source>
        <translation>Ihre Grafikkarte hat {free} GB freien Speicher, und {architecture}-Modelle brauchen dort mindestens {need} GB. Schließen Sie andere Programme, die die Grafikkarte nutzen (Spiele, Browser, Videobearbeitung), und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>Your graphics card has {free} GB of free memory, and {architecture} models need at least {need} GB on it. Close other programs that use the graphics card (games, browsers, video editors) and try again, or use a Stable Diffusion 1.5 model, which needs less.</source>
        <translation>Ihre Grafikkarte hat {free} GB freien Speicher, und {architecture}-Modelle brauchen dort mindestens {need} GB. Schließen Sie andere Programme, die die Grafikkarte nutzen (Spiele, Browser, Videobearbeitung), und versuchen Sie es erneut, oder verwenden Sie ein Stable-Diffusion-1.5-Modell, das weniger braucht.</translation>
    </message>
    <message>
        <source>This computer has {free} GB of memory available, and a run of a {architecture} model on the processor needs about {need} GB. Close other programs and try again.</source>
        <translation>Dieser Computer hat {free} GB Arbeitsspeicher frei, und ein Durchlauf mit einem {architecture}-Modell auf dem Prozessor braucht etwa {need} GB. Schließen Sie andere Programme und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>This computer has {free} GB of memory available, and a run of a {architecture} model on the processor needs about {need} GB. Close other programs and try again, or use a Stable Diffusion 1.5 model, which needs less.</source>
        <translation>Dieser Computer hat {free} GB Arbeitsspeicher frei, und ein Durchlauf mit einem {architecture}-Modell auf dem Prozessor braucht etwa {need} GB. Schließen Sie andere Programme und versuchen Sie es erneut, oder verwenden Sie ein Stable-Diffusion-1.5-Modell, das weniger braucht.</translation>
    </message>
    <message>
        <source>The style “{style}” is chosen but no longer available. Untick it on the Styles page, or put its file back in your styles folder.</source>
        <translation>Der Stil „{style}“ ist ausgewählt, aber nicht mehr verfügbar. Entfernen Sie das Häkchen auf der Seite „Stile“ oder legen Sie seine Datei zurück in Ihren Stilordner.</translation>
    </message>
    <message>
        <source>The number of headshots of “{style}” must be between 1 and {maximum} (got {count}). Change it on the Styles page.</source>
        <translation>Die Anzahl der Porträts im Stil „{style}“ muss zwischen 1 und {maximum} liegen (angegeben: {count}). Ändern Sie sie auf der Seite „Stile“.</translation>
    </message>
    <message>
        <source>There is not enough free disk space for this run: it needs about {needed}, and the disk holding your sessions has {free} free. Free up space (empty the recycle bin, delete sessions you no longer need or other large files), then try again.</source>
        <translation>Für diesen Durchlauf ist nicht genug Speicherplatz frei: Er braucht etwa {needed}, und auf dem Laufwerk mit Ihren Sitzungen sind {free} frei. Schaffen Sie Platz (Papierkorb leeren, nicht mehr benötigte Sitzungen oder andere große Dateien löschen) und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>Settings for this computer: {plan}</source>
        <translation>Einstellungen für diesen Computer: {plan}</translation>
    </message>
    <message>
        <source>Learning the face: step {step} of {total}</source>
        <translation>Gesicht wird gelernt: Schritt {step} von {total}</translation>
    </message>
    <message>
        <source>Finished {count} of {total} images</source>
        <translation>{count} von {total} Bildern fertig</translation>
    </message>
    <message>
        <source>Finished {name}</source>
        <translation>{name} fertiggestellt</translation>
    </message>
    <message>
        <source>Prepared {name}</source>
        <translation>{name} vorbereitet</translation>
    </message>
    <message>
        <source>Loading {name}</source>
        <translation>{name} wird geladen</translation>
    </message>
    <message>
        <source>Loaded {name}</source>
        <translation>{name} geladen</translation>
    </message>
    <message>
        <source>Checking {name}</source>
        <translation>{name} wird geprüft</translation>
    </message>
    <message>
        <source>{name} is intact</source>
        <translation>{name} ist unversehrt</translation>
    </message>
    <message>
        <source>Converting {name}</source>
        <translation>{name} wird umgewandelt</translation>
    </message>
    <message>
        <source>Copying {name}</source>
        <translation>{name} wird kopiert</translation>
    </message>
    <message>
        <source>That name is {length} characters long. Use at most {maximum}.</source>
        <translation>Dieser Name ist {length} Zeichen lang. Verwenden Sie höchstens {maximum}.</translation>
    </message>
    <message>
        <source>There is no session “{name}”. See the sessions with `headshot-studio sessions`.</source>
        <translation>Es gibt keine Sitzung „{name}“. Die Sitzungen zeigt `headshot-studio sessions` an.</translation>
    </message>
    <message>
        <source>The session “{name}” is being worked on by another run right now. Wait for it to finish (or stop it), then try again.</source>
        <translation>An der Sitzung „{name}“ arbeitet gerade ein anderer Durchlauf. Warten Sie, bis er fertig ist (oder halten Sie ihn an), und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>Removed 1 session: {files} files ({size} MB), and {analyses} cached photo analyses.</source>
        <translation>1 Sitzung entfernt: {files} Dateien ({size} MB) und {analyses} zwischengespeicherte Fotoanalysen.</translation>
    </message>
    <message>
        <source>Removed {count} sessions: {files} files ({size} MB), and {analyses} cached photo analyses.</source>
        <translation>{count} Sitzungen entfernt: {files} Dateien ({size} MB) und {analyses} zwischengespeicherte Fotoanalysen.</translation>
    </message>
    <message>
        <source>Removed 1 session: {files} files ({size} MB), and {analyses} cached photo analyses. {originals} original photos stay where you keep them; they were never copied.</source>
        <translation>1 Sitzung entfernt: {files} Dateien ({size} MB) und {analyses} zwischengespeicherte Fotoanalysen. {originals} Originalfotos bleiben dort, wo Sie sie aufbewahren; sie wurden nie kopiert.</translation>
    </message>
    <message>
        <source>Removed {count} sessions: {files} files ({size} MB), and {analyses} cached photo analyses. {originals} original photos stay where you keep them; they were never copied.</source>
        <translation>{count} Sitzungen entfernt: {files} Dateien ({size} MB) und {analyses} zwischengespeicherte Fotoanalysen. {originals} Originalfotos bleiben dort, wo Sie sie aufbewahren; sie wurden nie kopiert.</translation>
    </message>
    <message>
        <source>“{name}” is not in this session.</source>
        <translation>„{name}“ gehört nicht zu dieser Sitzung.</translation>
    </message>
    <message>
        <source>{size} px (longer side)</source>
        <translation>{size} px (längere Seite)</translation>
    </message>
    <message>
        <source>Square {size}×{size} profile picture</source>
        <translation>Quadratisches Profilbild {size}×{size}</translation>
    </message>
    <message>
        <source>Exported 1 headshot to {path}.</source>
        <translation>1 Porträt nach {path} exportiert.</translation>
    </message>
    <message>
        <source>Exported {count} headshots to {path}.</source>
        <translation>{count} Porträts nach {path} exportiert.</translation>
    </message>
    <message>
        <source>The disk holding “{path}” is full, so the export stopped. Free up space. The headshots are kept in the session: export them again from the Gallery page.</source>
        <translation>Das Laufwerk mit „{path}“ ist voll, daher wurde der Export angehalten. Schaffen Sie Platz. Die Porträts bleiben in der Sitzung erhalten: Exportieren Sie sie erneut über die Seite „Galerie“.</translation>
    </message>
    <message>
        <source>Headshot Studio cannot write to “{path}” (it may be read-only, not yours, or its name too long). Choose another place. The headshots are kept in the session: export them again from the Gallery page.</source>
        <translation>Headshot Studio kann nicht nach „{path}“ schreiben (vielleicht schreibgeschützt, nicht Ihr Eigentum oder der Name zu lang). Wählen Sie einen anderen Ort. Die Porträts bleiben in der Sitzung erhalten: Exportieren Sie sie erneut über die Seite „Galerie“.</translation>
    </message>
    <message>
        <source>“{path}” is not a ZIP file name. Use a name ending in .zip.</source>
        <translation>„{path}“ ist kein Name für eine ZIP-Datei. Verwenden Sie einen Namen, der auf .zip endet.</translation>
    </message>
    <message>
        <source>“{path}” is a folder. Choose a file name ending in .zip.</source>
        <translation>„{path}“ ist ein Ordner. Wählen Sie einen Dateinamen, der auf .zip endet.</translation>
    </message>
    <message>
        <source>“{path}” is a file, not a folder. Choose a folder to export to.</source>
        <translation>„{path}“ ist eine Datei, kein Ordner. Wählen Sie einen Ordner für den Export.</translation>
    </message>
    <message>
        <source>{name} (recommended)</source>
        <translation>{name} (empfohlen)</translation>
    </message>
    <message>
        <source>What to avoid is {length} characters long, more than the {maximum} allowed: the generator reads only about the first {words} words of a prompt. Keep the few things that matter most.</source>
        <translation>Die Liste zum Vermeiden ist {length} Zeichen lang, mehr als die erlaubten {maximum}: Der Generator liest nur etwa die ersten {words} Wörter einer Beschreibung. Behalten Sie die wenigen Dinge, die am wichtigsten sind.</translation>
    </message>
    <message>
        <source>The folder “{name}” cannot be opened. Check that you may read it.</source>
        <translation>Der Ordner „{name}“ kann nicht geöffnet werden. Prüfen Sie, ob Sie ihn lesen dürfen.</translation>
    </message>
    <message>
        <source>“{name}” does not exist.</source>
        <translation>„{name}“ existiert nicht.</translation>
    </message>
    <message>
        <source>No photos found in {names}. Add JPEG, PNG, WebP or HEIC selfies.</source>
        <translation>In {names} wurden keine Fotos gefunden. Fügen Sie Selfies im Format JPEG, PNG, WebP oder HEIC hinzu.</translation>
    </message>
    <message>
        <source>“{name}” has a name that is not valid text (it comes from an older camera or computer), so it cannot be kept in a session. Rename the photo and add it again.</source>
        <translation>„{name}“ hat einen Namen, der kein gültiger Text ist (er stammt von einer älteren Kamera oder einem älteren Computer), daher kann es nicht in einer Sitzung gespeichert werden. Benennen Sie das Foto um und fügen Sie es erneut hinzu.</translation>
    </message>
    <message>
        <source>“{name}” no longer exists. Add it again.</source>
        <translation>„{name}“ existiert nicht mehr. Fügen Sie es erneut hinzu.</translation>
    </message>
    <message>
        <source>“{name}” is not a name a file can have. Add the photo again.</source>
        <translation>„{name}“ ist kein möglicher Dateiname. Fügen Sie das Foto erneut hinzu.</translation>
    </message>
    <message>
        <source>“{name}” cannot be opened. Check that you may read it, then add it again.</source>
        <translation>„{name}“ kann nicht geöffnet werden. Prüfen Sie, ob Sie es lesen dürfen, und fügen Sie es dann erneut hinzu.</translation>
    </message>
    <message>
        <source>“{name}” is a link (shortcut) to a file that is no longer there. Add the photo itself.</source>
        <translation>„{name}“ ist eine Verknüpfung zu einer Datei, die es nicht mehr gibt. Fügen Sie das Foto selbst hinzu.</translation>
    </message>
    <message>
        <source>“{name}” is a link (shortcut) that leads round in a circle, not to a photo. Add the photo itself.</source>
        <translation>„{name}“ ist eine Verknüpfung, die im Kreis führt, nicht zu einem Foto. Fügen Sie das Foto selbst hinzu.</translation>
    </message>
    <message>
        <source>“{name}” is a link (shortcut) to another file, which Headshot Studio does not follow. Add the photo itself.</source>
        <translation>„{name}“ ist eine Verknüpfung zu einer anderen Datei, der Headshot Studio nicht folgt. Fügen Sie das Foto selbst hinzu.</translation>
    </message>
    <message>
        <source>“{name}” is not a plain file (it is a pipe, a socket or a device). Add the photo itself.</source>
        <translation>„{name}“ ist keine normale Datei (sondern eine Pipe, ein Socket oder ein Gerät). Fügen Sie das Foto selbst hinzu.</translation>
    </message>
    <message>
        <source>“{name}” is a folder, not a file. Add the photo itself.</source>
        <translation>„{name}“ ist ein Ordner, keine Datei. Fügen Sie das Foto selbst hinzu.</translation>
    </message>
    <message>
        <source>“{name}” is a folder, not a photo. Add the photos inside it.</source>
        <translation>„{name}“ ist ein Ordner, kein Foto. Fügen Sie die Fotos darin hinzu.</translation>
    </message>
    <message>
        <source>“{name}” is not a photo file (it is a device or a pipe). Choose a JPEG, PNG, WebP or HEIC photo.</source>
        <translation>„{name}“ ist keine Fotodatei (sondern ein Gerät oder eine Pipe). Wählen Sie ein Foto im Format JPEG, PNG, WebP oder HEIC.</translation>
    </message>
    <message>
        <source>“{name}” is empty (0 bytes). Copy the photo again from your phone.</source>
        <translation>„{name}“ ist leer (0 Byte). Kopieren Sie das Foto erneut von Ihrem Telefon.</translation>
    </message>
    <message>
        <source>“{name}” cannot be opened: you do not have permission to read it. Copy the photo into a folder of your own (such as Pictures) and add the copy.</source>
        <translation>„{name}“ kann nicht geöffnet werden: Sie haben keine Berechtigung, es zu lesen. Kopieren Sie das Foto in einen eigenen Ordner (zum Beispiel „Bilder“) und fügen Sie die Kopie hinzu.</translation>
    </message>
    <message>
        <source>“{name}” is an iPhone HEIC photo, and HEIC support is not installed. Reinstall Headshot Studio, or save the photo as JPEG.</source>
        <translation>„{name}“ ist ein iPhone-HEIC-Foto, und die HEIC-Unterstützung ist nicht installiert. Installieren Sie Headshot Studio neu oder speichern Sie das Foto als JPEG.</translation>
    </message>
    <message>
        <source>“{name}” is not a photo (it looks like {what}). Choose a JPEG, PNG, WebP or HEIC photo.</source>
        <translation>„{name}“ ist kein Foto (es sieht aus wie {what}). Wählen Sie ein Foto im Format JPEG, PNG, WebP oder HEIC.</translation>
    </message>
    <message>
        <source>“{name}” is not a photo Headshot Studio can read. Choose a JPEG, PNG, WebP or HEIC photo.</source>
        <translation>„{name}“ ist kein Foto, das Headshot Studio lesen kann. Wählen Sie ein Foto im Format JPEG, PNG, WebP oder HEIC.</translation>
    </message>
    <message>
        <source>“{name}” is damaged or incomplete (perhaps a copy that did not finish). Copy the photo again.</source>
        <translation>„{name}“ ist beschädigt oder unvollständig (vielleicht eine abgebrochene Kopie). Kopieren Sie das Foto erneut.</translation>
    </message>
    <message>
        <source>“{name}” is far too large ({width}x{height} pixels). Use the photo as your camera or phone saved it, or save a smaller copy.</source>
        <translation>„{name}“ ist viel zu groß ({width}×{height} Pixel). Verwenden Sie das Foto so, wie Ihre Kamera oder Ihr Telefon es gespeichert hat, oder speichern Sie eine kleinere Kopie.</translation>
    </message>
    <message>
        <source>“{name}” is {width}x{height} pixels: a long, thin strip, not a photo of a face. Choose a JPEG, PNG, WebP or HEIC photo.</source>
        <translation>„{name}“ hat {width}×{height} Pixel: ein langer, schmaler Streifen, kein Foto eines Gesichts. Wählen Sie ein Foto im Format JPEG, PNG, WebP oder HEIC.</translation>
    </message>
    <message>
        <source>“{name}” is far too large a file for a photo ({size}). Choose a JPEG, PNG, WebP or HEIC photo.</source>
        <translation>„{name}“ ist eine viel zu große Datei für ein Foto ({size}). Wählen Sie ein Foto im Format JPEG, PNG, WebP oder HEIC.</translation>
    </message>
    <message>
        <source>“{name}” claims to be far too large an image and was not opened, to protect this computer.</source>
        <translation>„{name}“ gibt an, ein viel zu großes Bild zu sein, und wurde zum Schutz dieses Computers nicht geöffnet.</translation>
    </message>
    <message>
        <source>“{name}” is too large to open on this computer.</source>
        <translation>„{name}“ ist zu groß, um auf diesem Computer geöffnet zu werden.</translation>
    </message>
    <message>
        <source>{file}: {message}</source>
        <translation>{file}: {message}</translation>
    </message>
    <message>
        <source>{count} good</source>
        <translation>{count} gut</translation>
    </message>
    <message>
        <source>{count} usable</source>
        <translation>{count} brauchbar</translation>
    </message>
    <message>
        <source>{count} not used</source>
        <translation>{count} nicht verwendet</translation>
    </message>
    <message>
        <source>{count} being checked</source>
        <translation>{count} in Prüfung</translation>
    </message>
    <message>
        <source>{score} {percent}%</source>
        <translation>{score} {percent} %</translation>
    </message>
</context>
</TS>
