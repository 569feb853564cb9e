"""The sheet's first text, in its four languages; the country coordinator edits it after."""

EN = """What we record and why
To protect your child, the social worker records the child's name, date of birth, documents, where you stay, who cares for the child, and what help is needed. This lets the child protection service follow up and connect you with health, education, housing and other services. You may refuse: then only an anonymous count is kept (age group, sex, where and when), with no name.

Who sees it
Only the child protection service (DGASPC) of the county where the child lives, and the social workers it assigns. Service providers (doctors, schools, NGOs) receive only what they need, and only if you agree. The national authority receives statistics, never names. Nothing is given to the police, to immigration authorities or to other countries without a legal obligation.

For how long
As long as the case is open. A closed case is made anonymous five years after it is closed: names and contact details are deleted, only statistics remain.

Your rights
You may ask to see everything recorded about your child, to have mistakes corrected, and to have the data erased when it is no longer needed (EU General Data Protection Regulation, articles 15 to 17). You may complain to the Romanian data protection authority (ANSPDCP, www.dataprotection.ro).

Whom to contact
The child protection service (DGASPC) of the county where you are: the social worker writes its phone number on this sheet. The national authority for children's rights (ANPDCA) answers for the whole country."""

RO = """Ce înregistrăm și de ce
Pentru a vă proteja copilul, asistentul social înregistrează numele copilului, data nașterii, actele, unde locuiți, cine are grijă de copil și de ce ajutor are nevoie. Astfel serviciul de protecție a copilului poate urmări situația și vă poate pune în legătură cu servicii de sănătate, educație, locuință și altele. Puteți refuza: atunci se păstrează doar o numărătoare anonimă (grupa de vârstă, sexul, locul și data), fără nume.

Cine vede datele
Doar serviciul de protecție a copilului (DGASPC) al județului în care locuiește copilul și asistenții sociali desemnați de acesta. Furnizorii de servicii (medici, școli, ONG-uri) primesc doar ce le este necesar și doar dacă sunteți de acord. Autoritatea națională primește statistici, niciodată nume. Nimic nu se transmite poliției, autorităților de imigrări sau altor țări fără o obligație legală.

Cât timp
Cât timp cazul este deschis. Un caz închis este anonimizat la cinci ani după închidere: numele și datele de contact se șterg, rămân doar statisticile.

Drepturile dumneavoastră
Puteți cere să vedeți tot ce s-a înregistrat despre copilul dumneavoastră, să fie corectate greșelile și să fie șterse datele când nu mai sunt necesare (Regulamentul general privind protecția datelor, articolele 15-17). Puteți depune plângere la Autoritatea Națională de Supraveghere a Prelucrării Datelor cu Caracter Personal (ANSPDCP, www.dataprotection.ro).

Pe cine contactați
Direcția generală de asistență socială și protecția copilului (DGASPC) a județului în care vă aflați: asistentul social scrie numărul de telefon pe această foaie. Autoritatea Națională pentru Protecția Drepturilor Copilului și Adopție (ANPDCA) răspunde pentru întreaga țară."""

UK = """Що ми записуємо і навіщо
Щоб захистити вашу дитину, соціальний працівник записує ім'я дитини, дату народження, документи, де ви проживаєте, хто доглядає дитину і якої допомоги вона потребує. Це дає змогу службі захисту дітей стежити за ситуацією та направляти вас до медичних, освітніх, житлових та інших служб. Ви можете відмовитися: тоді зберігається лише анонімний облік (вікова група, стать, місце і дата), без імені.

Хто бачить дані
Лише служба захисту дітей (DGASPC) повіту, де проживає дитина, і соціальні працівники, яких вона призначає. Постачальники послуг (лікарі, школи, громадські організації) отримують лише те, що їм потрібно, і лише за вашою згодою. Національний орган отримує статистику, ніколи не імена. Нічого не передається поліції, міграційним органам чи іншим країнам без законного обов'язку.

Як довго
Поки справа відкрита. Закриту справу знеособлюють через п'ять років після закриття: імена та контактні дані видаляються, залишається лише статистика.

Ваші права
Ви можете попросити показати все, що записано про вашу дитину, виправити помилки та видалити дані, коли вони більше не потрібні (Загальний регламент ЄС про захист даних, статті 15–17). Ви можете подати скаргу до румунського органу із захисту даних (ANSPDCP, www.dataprotection.ro).

До кого звертатися
До служби захисту дітей (DGASPC) повіту, де ви перебуваєте: соціальний працівник запише її номер телефону на цьому аркуші. Національний орган із захисту прав дитини (ANPDCA) відповідає за всю країну."""

RU = """Что мы записываем и зачем
Чтобы защитить вашего ребёнка, социальный работник записывает имя ребёнка, дату рождения, документы, где вы проживаете, кто заботится о ребёнке и какая помощь нужна. Это позволяет службе защиты детей следить за ситуацией и направлять вас в медицинские, образовательные, жилищные и другие службы. Вы можете отказаться: тогда сохраняется только анонимный учёт (возрастная группа, пол, место и дата), без имени.

Кто видит данные
Только служба защиты детей (DGASPC) уезда, где живёт ребёнок, и назначенные ею социальные работники. Поставщики услуг (врачи, школы, общественные организации) получают только то, что им нужно, и только с вашего согласия. Национальный орган получает статистику, никогда не имена. Ничего не передаётся полиции, миграционным органам или другим странам без законной обязанности.

Как долго
Пока дело открыто. Закрытое дело обезличивается через пять лет после закрытия: имена и контактные данные удаляются, остаётся только статистика.

Ваши права
Вы можете попросить показать всё, что записано о вашем ребёнке, исправить ошибки и удалить данные, когда они больше не нужны (Общий регламент ЕС по защите данных, статьи 15–17). Вы можете подать жалобу в румынский орган по защите данных (ANSPDCP, www.dataprotection.ro).

К кому обращаться
В службу защиты детей (DGASPC) уезда, где вы находитесь: социальный работник запишет её номер телефона на этом листе. Национальный орган по защите прав ребёнка (ANPDCA) отвечает за всю страну."""

DEFAULT_TEXT = {
    "en": ("Information for the family: your child's data", EN),
    "ro": ("Informații pentru familie: datele copilului dumneavoastră", RO),
    "uk": ("Інформація для родини: дані вашої дитини", UK),
    "ru": ("Информация для семьи: данные вашего ребёнка", RU),
}
